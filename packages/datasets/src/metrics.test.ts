import { describe, expect, it } from 'vitest';
import { editDistance, exactMatch, tokenAccuracy, tokenErrorRate, wordErrorRate } from './metrics';

const p = (text: string) => text.split(' ');

describe('metrics', () => {
  it('edit distance matches hand-computed cases', () => {
    expect(editDistance(Array.from('kitten'), Array.from('sitting'))).toBe(3);
    expect(editDistance([], ['a', 'b'])).toBe(2);
    expect(editDistance(p('HH AH L OW'), p('HH EH L OW'))).toBe(1);
    expect(editDistance(p('K AE T'), p('K AE T'))).toBe(0);
    expect(editDistance(p('A B C D'), p('B C D A'))).toBe(2);
  });

  it('PER takes the closest reference and its length', () => {
    const items = [
      { prediction: p('R EH D'), references: [p('R IY D'), p('R EH D')] }, // 0 errors / 3
      { prediction: p('HH AH L'), references: [p('HH AH L OW')] }, // 1 / 4
      { prediction: p('K AE T S'), references: [p('K AE T')] }, // 1 / 3
    ];
    expect(tokenErrorRate(items)).toBeCloseTo(2 / 10, 12);
  });

  it('WER: a word is right when it equals any reference', () => {
    const items = [
      { prediction: p('R EH D'), references: [p('R IY D'), p('R EH D')] },
      { prediction: p('R IY D'), references: [p('R IY D'), p('R EH D')] },
      { prediction: p('HH AH L'), references: [p('HH AH L OW')] },
      { prediction: p('T UW'), references: [p('T UW')] },
    ];
    expect(wordErrorRate(items)).toBe(0.25);
    expect(exactMatch(items)).toBe(0.75);
    expect(() => wordErrorRate([{ prediction: ['a'], references: [] }])).toThrow(
      'wordErrorRate: item 0 has no reference',
    );
  });

  it('token accuracy counts matching positions over the reference length', () => {
    expect(tokenAccuracy([{ prediction: p('A X C'), references: [p('A B C D')] }])).toBe(0.5);
    expect(tokenAccuracy([{ prediction: p('A B C D E'), references: [p('A B C D')] }])).toBe(1);
  });
});
