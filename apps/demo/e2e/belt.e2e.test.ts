import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chartSeries, chromiumFor, useDemoPage } from './harness';

const chromiumPath = chromiumFor('The belt browser tests');

describe.runIf(chromiumPath)('the belt that survives distance, in headless Chromium', () => {
  let page: Page;
  let errors: string[];

  useDemoPage(chromiumPath!, (demo) => ({ page, errors } = demo));

  it('says what the forget gate measures on the sequence shown', async () => {
    await page.getByTestId('recall-input').fill('K3 x1 x4 x0 x2 x5 x1 x1 ?');
    const summary = page.getByTestId('forget-summary');
    await summary.waitFor({ timeout: 60_000 });
    // The summary re-renders when the typed sequence's gates arrive: its numbers and its words are
    // read at one moment, until they agree (a summary whose words never match its numbers fails).
    const words = () =>
      summary.evaluate((element) => {
        const mean = Number(element.getAttribute('data-mean'));
        const above = Number(element.getAttribute('data-above'));
        const text = element.textContent ?? '';
        return (
          text.includes(`averages ${mean.toFixed(2)}`) &&
          text.includes(`${(100 * above).toFixed(0)}% of its values`)
        );
      });
    await expect.poll(words, { timeout: 30_000 }).toBe(true);
    expect(await page.getByTestId('section-lstm').textContent()).not.toContain('stays near 1');
  });

  it('trains RNN, LSTM and GRU, then charts gradients before and after, and the GRU gates', async () => {
    await page.getByTestId('belt-distance').fill('10');
    await page.getByTestId('belt-steps').fill('40');
    await page.getByTestId('belt-train').click();
    await expect.poll(() => page.getByTestId('belt-status').textContent()).toMatch(/^Training/);
    expect(await page.getByTestId('belt-distance').isDisabled()).toBe(true);
    await expect
      .poll(() => page.getByTestId('belt-status').textContent(), { timeout: 300_000 })
      .toBe('Finished 40 steps.');
    const series = await chartSeries(page, 'belt-gradients');
    expect(series.map((s) => s.name)).toEqual([
      'RNN trained',
      'RNN untrained',
      'LSTM trained',
      'LSTM untrained',
      'GRU trained',
      'GRU untrained',
    ]);
    for (const s of series) {
      expect(s.count).toBe(12); // distances 0 … 11 (10 distractors, the key, the ?)
      expect(s.first).toBeGreaterThan(0);
    }
    expect(await page.getByTestId('belt-summary').locator('tr').count()).toBe(3);
    for (const kind of ['rnn', 'lstm', 'gru']) {
      const accuracy = Number(
        await page.getByTestId(`belt-accuracy-${kind}`).getAttribute('data-value'),
      );
      expect(accuracy).toBeGreaterThanOrEqual(0);
      expect(accuracy).toBeLessThanOrEqual(1);
      expect(await page.getByTestId(`belt-accuracy-${kind}`).textContent()).toContain(
        `${(100 * accuracy).toFixed(0)}% held-out accuracy`,
      );
    }
    for (const gate of ['forget', 'update', 'reset']) {
      const heatmap = page.getByTestId(`belt-gate-${gate}`);
      expect(await heatmap.locator('rect').count()).toBe(32 * 12);
      expect(await page.getByTestId(`belt-gate-${gate}-legend`).count()).toBe(1);
    }
    expect(await page.getByTestId('belt-gates-summary').textContent()).toMatch(
      /forget gate averages 0\.\d\d \(\d+% of unit-steps above 0\.9\)/,
    );
    const losses = await chartSeries(page, 'belt-loss');
    expect(losses.map((s) => s.count)).toEqual([40, 40, 40]);
    expect(errors).toEqual([]);
  });
});
