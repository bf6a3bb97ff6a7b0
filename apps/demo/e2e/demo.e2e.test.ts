import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chartSeries, chromiumFor, useDemoPage } from './harness';

const chromiumPath = chromiumFor('The browser tests');

describe.runIf(chromiumPath)('the demo in headless Chromium', () => {
  let page: Page;
  let errors: string[];

  useDemoPage(chromiumPath!, (demo) => ({ page, errors } = demo));

  it('loads cross-origin isolated, names its backend, and logs no errors', async () => {
    await expect
      .poll(() => page.getByTestId('backend').textContent(), { timeout: 60_000 })
      .toMatch(/^(wasm|webgl|cpu)/);
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    // Chromium runs with --disable-gpu, so wasm, threaded (its heap is a shared memory), and the
    // layers run on gated's sequence kernels.
    expect(await page.getByTestId('backend').textContent()).toMatch(
      /^wasm, \d+ threads?, sequence kernels on \d threads? /,
    );
    await page.getByTestId('gradient-chart').waitFor({ timeout: 60_000 });
    expect(errors).toEqual([]);
  });

  it('turns “June 5, 2026” into 2026-06-05 and labels the heatmap with its characters', async () => {
    const input = page.getByTestId('attention-input');
    await input.fill('');
    await input.pressSequentially('June 5, 2026');
    await expect
      .poll(() => page.getByTestId('attention-output').textContent(), { timeout: 30_000 })
      .toBe('2026-06-05');
    const heatmap = page.getByTestId('attention-heatmap');
    const columns = await heatmap
      .locator('text[data-axis="x"]')
      .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-token')));
    expect(columns).toEqual([...'June 5, 2026']);
    const shown = await heatmap.locator('text[data-axis="x"]').allTextContents();
    expect(shown).toEqual([...'June 5, 2026'].map((c) => (c === ' ' ? '␣' : c)));
    // one row per output character and one for the end of the sequence
    const rows = await heatmap.locator('text[data-axis="y"]').allTextContents();
    expect(rows).toEqual([...'2026-06-05', '</s>']);
    expect(await heatmap.locator('rect').count()).toBe(11 * 12);
  });

  it('never inserts typed text as markup', async () => {
    const input = page.getByTestId('attention-input');
    await input.fill('<img src=x onerror=alert(1)>');
    await expect
      .poll(() => page.getByTestId('attention-heatmap').locator('text[data-axis="x"]').count(), {
        timeout: 30_000,
      })
      .toBe(28);
    expect(await page.locator('img').count()).toBe(0);
  });

  it('trains in the worker: the loss falls while the page keeps answering', async () => {
    await page.getByTestId('attention-train').click();
    await expect
      .poll(async () => (await chartSeries(page, 'attention-loss'))[0]?.count ?? 0, {
        timeout: 120_000,
      })
      .toBeGreaterThanOrEqual(5);
    // While the worker trains, the main thread keeps running timers and handling input.
    const longestPause = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let last = performance.now();
          let longest = 0;
          const timer = setInterval(() => {
            const now = performance.now();
            longest = Math.max(longest, now - last);
            last = now;
          }, 10);
          setTimeout(() => {
            clearInterval(timer);
            resolve(longest);
          }, 1500);
        }),
    );
    const input = page.getByTestId('attention-input');
    await input.fill('March 3, 2031');
    await expect
      .poll(() => page.getByTestId('attention-output').textContent(), { timeout: 30_000 })
      .toBe('2031-03-03');
    expect(await page.getByTestId('attention-status').textContent()).toMatch(/^Training… step/);
    await expect
      .poll(async () => (await chartSeries(page, 'attention-loss'))[0]?.count ?? 0, {
        timeout: 180_000,
      })
      .toBeGreaterThanOrEqual(40);
    await page.getByTestId('attention-stop').click();
    await expect
      .poll(() => page.getByTestId('attention-status').textContent(), { timeout: 60_000 })
      .toMatch(/^Stopped after \d+ steps\.$/);
    const [loss] = await chartSeries(page, 'attention-loss');
    expect(loss!.last!).toBeLessThan(0.8 * loss!.first!);
    // A generous bound: training on the main thread would freeze it for whole seconds.
    expect(longestPause).toBeLessThan(1000);
    expect(errors).toEqual([]);
  });

  it('shows the LSTM’s gates and cell state for a recall sequence', async () => {
    const input = page.getByTestId('recall-input');
    await input.fill('K3 x1 x4 x0 x2 x5 x1 x1 ?');
    await expect.poll(() => page.getByTestId('recall-answer').textContent()).toBe('K3');
    for (const gate of ['forget', 'input', 'output', 'cellState']) {
      const heatmap = page.getByTestId(`gate-${gate}`);
      expect(await heatmap.locator('text[data-axis="x"]').allTextContents()).toEqual(
        'K3 x1 x4 x0 x2 x5 x1 x1 ?'.split(' '),
      );
      expect(await heatmap.locator('rect').count()).toBe(16 * 9);
    }
    await input.fill('K3 x9');
    await expect
      .poll(() => page.getByTestId('section-lstm').getByRole('alert').textContent())
      .toContain('Token 2 is "x9"; expected one of K0–K3, x0–x5 or ?');
  });

  it('counts LSTM and GRU parameters from real layers (6400 vs 4800 at 16 → 32)', async () => {
    await expect.poll(() => page.getByTestId('count-lstm').textContent()).toBe('6,400');
    expect(await page.getByTestId('count-gru').textContent()).toBe('4,800');
    await page.getByTestId('hidden-size').fill('64');
    await expect.poll(() => page.getByTestId('count-lstm').textContent()).toBe('20,992');
  });
});
