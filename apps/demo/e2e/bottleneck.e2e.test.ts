import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chartSeries, chromiumFor, useDemoPage } from './harness';

const chromiumPath = chromiumFor('The bottleneck browser tests');

describe.runIf(chromiumPath)('the bottleneck on the same input, in headless Chromium', () => {
  let page: Page;
  let errors: string[];

  useDemoPage(chromiumPath!, (demo) => ({ page, errors } = demo));

  it('answers one typed date with and without attention, marking each character', async () => {
    await page.getByTestId('compare-date').fill('June 5, 2026');
    const withAttention = page.getByTestId('attention-compare-with');
    const without = page.getByTestId('attention-compare-without');
    await expect.poll(() => withAttention.textContent(), { timeout: 60_000 }).toBe('2026-06-05');
    expect(await without.textContent()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const answer of [withAttention, without]) {
      expect(await answer.locator('span').count()).toBe(10);
      expect(await answer.locator('span.char-right, span.char-wrong').count()).toBe(10);
    }
    expect(await withAttention.locator('span.char-wrong').count()).toBe(0);
    expect(await page.getByTestId('attention-compare-with-confidence').textContent()).toMatch(
      /^\d{1,3}\.\d%$/,
    );
    expect(await page.getByTestId('attention-compare-without-confidence').textContent()).toMatch(
      /^\d{1,3}\.\d%$/,
    );
    // No reference for an input outside the 24 formats: nothing is marked right or wrong.
    await page.getByTestId('compare-date').fill('hello');
    await expect
      .poll(() => page.getByTestId('attention-compare-reference').textContent())
      .toContain('no right answer');
    expect(await withAttention.locator('span.char-right, span.char-wrong').count()).toBe(0);
  });

  it('trains with and without attention on one chart, with example copies per length', async () => {
    await page.locator('#bottleneck-steps').fill('50');
    for (const button of ['bottleneck-train', 'bottleneck-train-attention']) {
      await page.getByTestId(button).click();
      await expect
        .poll(() => page.getByTestId('bottleneck-status').textContent(), { timeout: 300_000 })
        .toMatch(/^Finished 50 steps/);
    }
    const series = await chartSeries(page, 'bottleneck-exact');
    expect(series.map((s) => s.name)).toEqual([
      'without attention, source in order (run 1)',
      'with attention, source in order (run 2)',
    ]);
    for (const s of series) expect(s.count).toBe(12);
    const table = page.getByTestId('bottleneck-examples');
    expect(await table.locator('tbody tr').count()).toBe(12);
    expect(await table.locator('thead th').count()).toBe(4);
    expect(await table.locator('tbody tr').first().locator('td').count()).toBe(4);
    expect(errors).toEqual([]);
  });
});
