import { describe, expect, it } from 'vitest';
import { scoreG2P, stripStress } from './g2p-scores';

const p = (s: string) => s.split(' ');

describe('scoreG2P', () => {
  it('scores with stress, and with stress stripped from both sides', () => {
    const references = [
      [p('HH AH0 L OW1'), p('HH EH0 L OW1')], // hello
      [p('R EH1 D'), p('R IY1 D')], // read
      [p('Z IY1 B R AH0')], // zebra
    ];
    const predictions = [p('HH AH0 L OW1'), p('R EH0 D'), p('Z IY1 B R')];
    const scores = scoreG2P(predictions, references);
    // With stress: only hello is right; errors 0 + 1 (EH0 vs EH1) + 1 (AH0 missing) over 4+3+5.
    expect(scores.withStress.wordErrorRate).toBeCloseTo(2 / 3, 12);
    expect(scores.withStress.phonemeErrorRate).toBeCloseTo(2 / 12, 12);
    // Without: hello and read are right; zebra misses one of 5.
    expect(scores.withoutStress.wordErrorRate).toBeCloseTo(1 / 3, 12);
    expect(scores.withoutStress.phonemeErrorRate).toBeCloseTo(1 / 12, 12);
    expect(scores.withStress.examples).toBe(3);
  });

  it('strips only a final stress digit, and refuses mismatched lengths', () => {
    expect(stripStress(p('AH0 ER1 EY2 T'))).toEqual(p('AH ER EY T'));
    expect(() => scoreG2P([p('A')], [])).toThrow(
      'scoreG2P: expected one prediction per word (0), got 1',
    );
  });
});
