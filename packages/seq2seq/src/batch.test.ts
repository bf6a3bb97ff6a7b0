import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/leaks';
import { disposeBatch, makeTrainingBatch } from './batch';
import { resolveConfig } from './config';

const config = resolveConfig({
  sourceVocabSize: 7,
  targetVocabSize: 5,
  embeddingSize: 3,
  hiddenSize: 6,
  padId: 0,
  bosId: 1,
  eosId: 2,
});

describe('makeTrainingBatch', () => {
  it('refuses a bad target before making any tensor', async () => {
    await expectNoLeaks(() => {
      expect(() =>
        makeTrainingBatch(config, [
          { source: [3, 4], target: [3] },
          { source: [5], target: [9] },
        ]),
      ).toThrow('Seq2Seq: targets[1] holds 9, expected token ids in [0, 5)');
    });
  });

  it('pads a batch too large for Math.max(...spread): 200,000 examples', async () => {
    const examples = Array.from({ length: 200_000 }, (_, i) => ({
      source: [3 + (i % 4)],
      target: i === 7 ? [3, 4, 3] : [4],
    }));
    await expectNoLeaks(() => {
      const batch = makeTrainingBatch(config, examples);
      expect(batch.source.shape).toEqual([200_000, 1]);
      expect(batch.targetInput.shape).toEqual([200_000, 4]); // BOS + the longest target
      expect(batch.targetTokens).toBe(199_999 * 2 + 4);
      disposeBatch(batch);
    });
  });
});
