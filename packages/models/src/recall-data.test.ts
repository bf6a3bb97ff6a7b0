import { describe, expect, it } from 'vitest';
import { parseRecallSequence, RECALL_TOKENS, recallBatch } from './recall-data';

describe('recall data', () => {
  it('parses typed sequences, adds the missing ?, and names a bad token', () => {
    expect(parseRecallSequence(' K2, x1  x4 ?')).toEqual([2, 5, 8, 10]);
    expect(parseRecallSequence('K0 x5')).toEqual([0, 9, 10]);
    expect(() => parseRecallSequence('K2 x1 y7')).toThrow(
      'Token 3 is "y7"; expected one of K0–K3, x0–x5 or ?',
    );
    expect(() => parseRecallSequence('   ')).toThrow('Type a sequence');
  });

  it('labels each example with its key, at the requested distance', () => {
    const batch = recallBatch(5, 7, 3);
    for (const [i, tokens] of batch.tokens.entries()) {
      expect(tokens).toHaveLength(9);
      expect(RECALL_TOKENS[tokens[0]!]).toBe(`K${batch.labels[i]}`);
      expect(RECALL_TOKENS[tokens[8]!]).toBe('?');
    }
  });
});
