/**
 * The comparison of gated's and the twin's outputs for the twin parity tests (both directions).
 */
import { expect } from 'vitest';
import type { Hypothesis } from '../src/hypothesis';
import type { TwinOutputs } from './twin-request';

export { gatedOutputs, type TwinOutputs, type TwinRequest } from './twin-request';

/** Logits within 1e-5 (the bar); scores, sums over steps, within 1e-4. */
export const LOGIT_TOLERANCE = 1e-5;
export const SCORE_TOLERANCE = 1e-4;

function largestDifference(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((worst, x, i) => Math.max(worst, Math.abs(x - b[i]!)), 0);
}

function expectSameHypotheses(ours: Hypothesis[], theirs: Hypothesis[]): void {
  expect(ours.map((h) => h.tokens)).toEqual(theirs.map((h) => h.tokens));
  for (const [i, h] of ours.entries()) {
    expect(Math.abs(h.score - theirs[i]!.score)).toBeLessThan(SCORE_TOLERANCE);
    const rows = theirs[i]!.attention;
    if (rows)
      expect(largestDifference(h.attention!.flat(), rows.flat())).toBeLessThan(LOGIT_TOLERANCE);
    else expect(h.attention).toBeUndefined();
  }
}

/** Same logits (≤ 1e-5), same greedy and beam tokens, scores within 1e-4; returns the worst logit gap. */
export function expectSameOutputs(ours: TwinOutputs, theirs: TwinOutputs): number {
  expect(ours.logits.shape).toEqual(theirs.logits.shape);
  const worst = largestDifference(ours.logits.values, theirs.logits.values);
  expect(worst).toBeLessThan(LOGIT_TOLERANCE);
  expectSameHypotheses(ours.greedy, theirs.greedy);
  expect(ours.beam.length).toBe(theirs.beam.length);
  for (const [b, list] of ours.beam.entries()) expectSameHypotheses(list, theirs.beam[b]!);
  return worst;
}
