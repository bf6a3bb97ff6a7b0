import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chartSeries, chromiumFor, collectPageErrors, openDemo, useDemoPage } from './harness';

const chromiumPath = chromiumFor('The rough-edge browser tests');

/** Whether the page scrolls sideways. */
const scrollsSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

describe.runIf(chromiumPath)('the rough edges of issue #17, in headless Chromium', () => {
  let url: string;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  useDemoPage(chromiumPath!, (demo) => ({ page, errors, url, browser } = demo));

  it('clears the LSTM answer and heatmaps when a sequence is refused', async () => {
    const input = page.getByTestId('recall-input');
    await input.fill('K2 x1 x4 x0 x3 x5 ?');
    await expect.poll(() => page.getByTestId('recall-answer').textContent()).toBe('K2');
    await input.fill('K2 x9 ?');
    await expect
      .poll(() => page.getByTestId('section-lstm').getByRole('alert').textContent())
      .toContain('"x9"');
    expect(await page.getByTestId('gate-view').count()).toBe(0);
    expect(await page.getByTestId('recall-answer').count()).toBe(0);
  });

  it('keeps the LSTM column labels apart, and a 200-step sequence inside the page', async () => {
    const input = page.getByTestId('recall-input');
    await input.fill('K2 x1 x4 x0 x3 x5 ?');
    await expect.poll(() => page.getByTestId('recall-answer').textContent()).toBe('K2');
    const boxes = await page
      .getByTestId('gate-forget')
      .locator('text[data-axis="x"]')
      .evaluateAll((labels) =>
        labels.map((l) => {
          const r = l.getBoundingClientRect();
          return { left: r.left, right: r.right };
        }),
      );
    expect(boxes).toHaveLength(7);
    for (let i = 1; i < boxes.length; i++)
      expect(boxes[i]!.left).toBeGreaterThanOrEqual(boxes[i - 1]!.right - 0.5);
    const long = `K1 ${Array.from({ length: 198 }, (_, i) => `x${i % 6}`).join(' ')} ?`;
    await input.fill(long);
    await expect
      .poll(() => page.getByTestId('gate-forget').locator('text[data-axis="x"]').count(), {
        timeout: 30_000,
      })
      .toBe(200);
    expect(await scrollsSideways(page)).toBe(false);
  });

  it('gives every heatmap a colour legend', async () => {
    await page.getByTestId('attention-input').fill('June 5, 2026');
    await page.getByTestId('attention-heatmap').waitFor();
    const figures = await page.locator('.heatmap-figure').count();
    expect(figures).toBeGreaterThanOrEqual(6); // 4 gates, attention, the context figure
    expect(await page.locator('.heatmap-figure .color-legend').count()).toBe(figures);
    for (const id of ['gate-forget', 'gate-cellState', 'attention-heatmap'])
      expect(await page.getByTestId(`${id}-legend`).textContent()).toMatch(/\d/);
  });

  it('names invalid layer sizes, locks them while training, and draws the chance line', async () => {
    const hidden = page.getByTestId('hidden-size');
    await hidden.fill('0');
    expect(await page.getByTestId('hidden-size-error').textContent()).toBe(
      'Hidden size must be a whole number from 1 to 512, got 0; still using 32.',
    );
    expect(await page.getByTestId('compare-train').isDisabled()).toBe(true);
    await hidden.fill('12.5');
    expect(await page.getByTestId('hidden-size-error').textContent()).toContain('got 12.5');
    await hidden.fill('8');
    expect(await page.getByTestId('hidden-size-error').count()).toBe(0);
    await expect.poll(() => page.getByTestId('count-lstm').textContent()).toBe('832'); // 4 × (8·16 + 8·8 + 2·8)
    await page.getByTestId('compare-steps').fill('2000');
    await page.getByTestId('compare-train').click();
    await expect.poll(() => page.getByTestId('compare-status').textContent()).toMatch(/^Training/);
    for (const id of ['input-size', 'hidden-size', 'compare-distance', 'compare-steps'])
      expect(await page.getByTestId(id).isDisabled()).toBe(true);
    await expect
      .poll(async () => (await chartSeries(page, 'compare-accuracy'))[0]?.count ?? 0, {
        timeout: 120_000,
      })
      .toBeGreaterThanOrEqual(1);
    await page.getByTestId('compare-stop').click();
    await expect
      .poll(() => page.getByTestId('compare-status').textContent(), { timeout: 60_000 })
      .toMatch(/^Stopped after \d+ steps/);
    expect(await page.getByTestId('hidden-size').isDisabled()).toBe(false);
    expect(await page.getByTestId('compare-accuracy-reference').getAttribute('data-y')).toBe(
      '0.25',
    );
    expect(await page.getByTestId('compare-accuracy').textContent()).toContain('chance');
  });

  it('writes “The bench’s claims suite” with its space', async () => {
    expect(await page.getByTestId('section-bottleneck').textContent()).toContain(
      'The bench’s claims suite',
    );
    expect(errors).toEqual([]);
  });

  it('has no sideways scroll at 390 px', async () => {
    const narrow = await browser.newPage({ viewport: { width: 390, height: 800 } });
    const narrowErrors = collectPageErrors(narrow);
    await openDemo(narrow, url);
    await narrow.getByTestId('attention-heatmap').waitFor({ timeout: 60_000 });
    await narrow.getByTestId('beam-tree').waitFor();
    await narrow.getByTestId('gradient-chart').waitFor({ timeout: 60_000 });
    expect(await scrollsSideways(narrow)).toBe(false);
    await narrow.getByTestId('attention-input').fill('Wednesday, September 23, 2037');
    await expect
      .poll(() => narrow.getByTestId('attention-output').textContent(), { timeout: 30_000 })
      .toBe('2037-09-23');
    expect(await scrollsSideways(narrow)).toBe(false);
    expect(narrowErrors).toEqual([]);
    await narrow.close();
  });
});
