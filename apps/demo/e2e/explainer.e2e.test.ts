import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumFor, useDemoPage } from './harness';

const chromiumPath = chromiumFor("The explainer's browser tests");

/** The numbers a row of cells carries in `data-value`. */
async function values(page: Page, selector: string): Promise<number[]> {
  return page
    .locator(selector)
    .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))));
}

/** Types `text` into the attention section and waits for `expected` as the output. */
async function ask(page: Page, text: string, expected?: string | RegExp): Promise<void> {
  const before = await page.getByTestId('attention-output').textContent();
  await page.getByTestId('attention-input').fill(text);
  if (expected !== undefined)
    await expect
      .poll(() => page.getByTestId('attention-output').textContent(), { timeout: 30_000 })
      .toMatch(expected);
  else
    await expect
      .poll(() => page.getByTestId('attention-output').textContent(), { timeout: 30_000 })
      .not.toBe(before);
}

describe.runIf(chromiumPath)('the attention explainer in headless Chromium', () => {
  let page: Page;
  let errors: string[];

  useDemoPage(chromiumPath!, (demo) => ({ page, errors } = demo));

  it('steps through the decoder: weights sum to 1 and the context is Σ α h, at every step', async () => {
    await ask(page, 'June 5, 2026', /^2026-06-05$/);
    const tokens = await page.getByTestId('output-token').allTextContents();
    expect(tokens).toEqual([...'2026-06-05', '</s>']);
    for (let i = 0; i < tokens.length; i++) {
      await expect
        .poll(() => page.getByTestId('attention-step').getAttribute('data-step'))
        .toBe(String(i));
      const scores = await values(page, '[data-testid="attention-scores"] td[data-value]');
      const weights = await values(page, '[data-testid="attention-weights"] td[data-value]');
      expect(scores).toHaveLength(12);
      expect(weights).toHaveLength(12);
      expect(Math.abs(weights.reduce((s, w) => s + w, 0) - 1)).toBeLessThan(1e-4);
      // α = softmax(e): the scores shown are the ones the weights came from.
      const top = Math.max(...scores);
      const total = scores.reduce((s, e) => s + Math.exp(e - top), 0);
      for (const [j, e] of scores.entries())
        expect(Math.abs(Math.exp(e - top) / total - weights[j]!)).toBeLessThan(1e-4);
      // c_i = Σ_j α_ij h_j, with h_j the encoder outputs the model returned.
      const context = await values(page, '[data-testid="attention-context"] rect');
      const h = await page
        .getByTestId('attention-h')
        .locator('g[data-row]')
        .evaluateAll((rows) =>
          rows.map((row) =>
            Array.from(row.querySelectorAll('rect'), (r) => Number(r.getAttribute('data-value'))),
          ),
        );
      expect(h).toHaveLength(12);
      expect(context.length).toBe(h[0]!.length);
      for (const [d, c] of context.entries()) {
        const sum = weights.reduce((s, w, j) => s + w * h[j]![d]!, 0);
        expect(Math.abs(sum - c)).toBeLessThan(1e-4);
      }
      const topk = await values(page, '[data-testid="attention-topk"] li');
      expect(topk).toHaveLength(5);
      for (let k = 1; k < 5; k++) expect(topk[k - 1]!).toBeGreaterThanOrEqual(topk[k]!);
      expect(
        await page.getByTestId('attention-topk').locator('li').first().getAttribute('data-token'),
      ).toBe(tokens[i]);
      if (i < tokens.length - 1) await page.getByTestId('attention-step-next').click();
    }
    expect(await page.getByTestId('attention-step-next').isDisabled()).toBe(true);
    // The keyboard steps back.
    await page.getByTestId('attention-step-prev').focus();
    await page.keyboard.press('ArrowLeft');
    await expect
      .poll(() => page.getByTestId('attention-step').getAttribute('data-step'))
      .toBe(String(tokens.length - 2));
    // Hovering α_ij in the formula lights the weights row.
    await page.locator('.term[data-term="alpha"]').hover();
    expect(await page.getByTestId('attention-weights').getAttribute('class')).toContain('lit');
    expect(errors).toEqual([]);
  });

  it('draws beam search: at most N kept per depth, the n-best list sorted by score', async () => {
    await ask(page, 'June 5, 2026', /^2026-06-05$/);
    for (const size of [1, 4, 8]) {
      await page.getByTestId('beam-size').fill(String(size));
      await expect
        .poll(() => page.getByTestId('beam-tree').getAttribute('aria-label'), { timeout: 30_000 })
        .toContain(`beam size ${size}:`);
      const nodes = await page.getByTestId('beam-node').evaluateAll((gs) =>
        gs.map((g) => ({
          depth: Number(g.getAttribute('data-depth')),
          status: g.getAttribute('data-status'),
          score: Number(g.getAttribute('data-score')),
        })),
      );
      expect(nodes.length).toBeGreaterThan(0);
      const depths = new Set(nodes.map((n) => n.depth));
      for (const d of depths)
        expect(
          nodes.filter((n) => n.depth === d && n.status === 'kept').length,
        ).toBeLessThanOrEqual(size);
      expect(nodes.some((n) => n.status === 'finished')).toBe(true);
      if (size > 1) expect(nodes.some((n) => n.status === 'pruned')).toBe(true);
      const scores = await page
        .getByTestId('beam-nbest')
        .locator('li')
        .evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-score'))));
      expect(scores.length).toBeGreaterThanOrEqual(1);
      expect(scores.length).toBeLessThanOrEqual(size);
      for (let k = 1; k < scores.length; k++)
        expect(scores[k - 1]!).toBeGreaterThanOrEqual(scores[k]!);
    }
    await page.getByTestId('beam-size').fill('9');
    await expect
      .poll(() => page.getByTestId('section-attention').getByRole('alert').textContent())
      .toContain('Beam size must be a whole number from 1 to 8');
    await page.getByTestId('beam-size').fill('3');
  });

  it('what if: forcing another candidate keeps the prefix and changes what follows', async () => {
    await ask(page, 'June 5, 2026', /^2026-06-05$/);
    const before = await page.getByTestId('output-token').allTextContents();
    await page.getByTestId('output-token').nth(5).click(); // the month's first digit
    await expect.poll(() => page.getByTestId('attention-step').getAttribute('data-step')).toBe('5');
    const alternative = await page
      .getByTestId('attention-force')
      .first()
      .locator('..')
      .getAttribute('data-token');
    await page.getByTestId('attention-force').first().click();
    await expect
      .poll(async () => (await page.getByTestId('output-token').allTextContents())[5])
      .toBe(alternative);
    const after = await page.getByTestId('output-token').allTextContents();
    expect(after.slice(0, 5)).toEqual(before.slice(0, 5));
    expect(after.join('')).not.toBe(before.join(''));
    expect(await page.getByTestId('output-token').nth(5).getAttribute('data-forced')).toBe('true');
    expect(await page.getByTestId('attention-output').textContent()).toBe(
      after.slice(0, -1).join(''),
    );
    await page.getByTestId('attention-whatif-reset').click();
    await expect.poll(() => page.getByTestId('attention-output').textContent()).toBe('2026-06-05');
  });

  it('answers honestly: confidence in percent, invalid and unknown inputs said in words', async () => {
    await ask(page, 'June 5, 2026', /^2026-06-05$/);
    expect(await page.getByTestId('answer-confidence').textContent()).toMatch(/^\d{1,3}\.\d%$/);
    expect(await page.getByTestId('answer-warnings').count()).toBe(0);
    await page.getByTestId('date-formats').locator('summary').click();
    expect(await page.getByTestId('date-formats').textContent()).toContain('1950–2049');
    expect(await page.getByTestId('date-formats').locator('li').count()).toBe(24);

    await ask(page, 'Feb 30, 2001');
    await expect.poll(() => page.getByTestId('answer-invalid').count()).toBe(1);
    expect(await page.getByTestId('answer-warnings').textContent()).toContain('Invalid date');
    const cases: Array<[string, string]> = [
      ['14/03/1987', 'Outside what the model was trained on'],
      ['hello', 'Outside what the model was trained on'],
      ['May 3, 1887', 'The year 1887 is outside 1950–2049'],
      ['1'.repeat(300), 'no training input had more than'],
      ['June 5, 2026 ✓', 'The model cannot read “✓” (U+2713)'],
    ];
    for (const [text, words] of cases) {
      await page.getByTestId('attention-input').fill(text);
      await expect
        .poll(() => page.getByTestId('answer-warnings').textContent(), {
          timeout: 30_000,
          message: `warnings for ${text.slice(0, 20)}`,
        })
        .toContain(words);
      // Pasted text is never cut without a word: 300 characters are read whole.
      expect(await page.getByTestId('attention-input').inputValue()).toHaveLength(text.length);
    }
    await page.getByTestId('attention-input').fill('2'.repeat(401));
    await expect
      .poll(() => page.getByTestId('section-attention').getByRole('alert').textContent())
      .toContain('The input has 401 characters; this page reads at most 400.');
    expect(await page.getByTestId('attention-output').textContent()).toBe('');
  });

  it('reads Zebra, ZEBRA and “zebra,” as zebra, and keeps the input when switching model', async () => {
    await page.getByTestId('attention-input').fill('Zebra');
    await page.locator('#attention-model').selectOption('g2p');
    expect(await page.getByTestId('attention-input').inputValue()).toBe('Zebra');
    const answers: string[] = [];
    const notes: Array<[string, string]> = [
      ['zebra', ''],
      ['Zebra', 'Read as zebra: lower-cased (the dictionary is lower case).'],
      ['ZEBRA', 'Read as zebra: lower-cased (the dictionary is lower case).'],
      ['“zebra,”', 'Read as zebra: removed the surrounding punctuation “ , ”.'],
    ];
    for (const [word, note] of notes) {
      await page.getByTestId('attention-input').fill(word);
      const read = async () =>
        (await page.getByTestId('answer-read').count())
          ? await page.getByTestId('answer-read').textContent()
          : '';
      await expect.poll(read, { timeout: 60_000 }).toBe(note);
      // The first word's note is empty, so the poll above can pass before the model has answered:
      // this one waits for the answer, as long (the model's first load and the accelerator's
      // thread pool starting in the worker take a while on a loaded machine).
      await expect
        .poll(() => page.getByTestId('attention-heatmap').getAttribute('aria-label'), {
          timeout: 60_000,
        })
        .toContain('“zebra”');
      answers.push((await page.getByTestId('attention-output').textContent()) ?? '');
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toMatch(/^Z /);
    await page.getByTestId('attention-input').fill('naïve');
    await expect
      .poll(() => page.getByTestId('answer-warnings').textContent(), { timeout: 30_000 })
      .toMatch(/cannot read .*“ï”/);
    await page.locator('#attention-model').selectOption('dates');
    expect(errors).toEqual([]);
  });
});
