import { describe, expect, it } from 'vitest';
import { bucketByLength, padBatch, splitBy } from './batching';
import { hashSplit } from './fnv1a';

describe('padBatch', () => {
  it('pads to the longest row, with lengths and a mask', () => {
    const batch = padBatch([[5, 6, 7], [8], [9, 10]]);
    expect(batch.shape).toEqual([3, 3]);
    expect([...batch.ids]).toEqual([5, 6, 7, 8, 0, 0, 9, 10, 0]);
    expect([...batch.lengths]).toEqual([3, 1, 2]);
    expect([...batch.mask]).toEqual([1, 1, 1, 1, 0, 0, 1, 1, 0]);
  });

  it('pads or truncates to a fixed length with a chosen pad id', () => {
    const batch = padBatch([[5, 6, 7], [8]], { length: 2, padId: 9 });
    expect([...batch.ids]).toEqual([5, 6, 8, 9]);
    expect([...batch.lengths]).toEqual([2, 1]);
    expect(() => padBatch([[1]], { length: 0 })).toThrow(
      "padBatch: length must be 'longest' or a positive integer, got 0",
    );
  });
});

describe('bucketByLength', () => {
  const lengths = Array.from({ length: 103 }, (_, i) => 1 + ((i * 37) % 20));

  it('covers every index once, deterministically, in batches of similar length', () => {
    const batches = bucketByLength(lengths, { batchSize: 8, seed: 3, poolSize: 4 });
    expect(bucketByLength(lengths, { batchSize: 8, seed: 3, poolSize: 4 })).toEqual(batches);
    expect(bucketByLength(lengths, { batchSize: 8, seed: 4, poolSize: 4 })).not.toEqual(batches);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    const spread = (batch: number[]) =>
      Math.max(...batch.map((i) => lengths[i]!)) - Math.min(...batch.map((i) => lengths[i]!));
    const mean = batches.reduce((sum, b) => sum + spread(b), 0) / batches.length;
    expect(mean).toBeLessThan(6); // random batches of 8 over 1..20 spread ~15
  });
});

describe('splitBy', () => {
  // The Greek letters land in all three splits (FNV-1a 32 of each name, see hashSplit).
  const words = [
    ...'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu'.split(' '),
    ...'nu xi omicron pi rho sigma tau upsilon phi chi psi omega'.split(' '),
  ];

  it('puts each item where its key says, keeping the input order', () => {
    const whole = splitBy(words, hashSplit);
    expect(whole.dev).toEqual(['beta', 'phi']);
    expect(whole.test).toEqual(['iota', 'pi']);
    expect(whole.train).toEqual(words.filter((w) => !['beta', 'phi', 'iota', 'pi'].includes(w)));
  });

  it('assigns each item by its own key only', () => {
    const part = splitBy(
      words.filter((w) => w !== 'alpha' && w !== 'beta' && w !== 'iota'),
      hashSplit,
    );
    expect(part.dev).toEqual(['phi']);
    expect(part.test).toEqual(['pi']);
    expect(part.train).toEqual(splitBy(words, hashSplit).train.filter((w) => w !== 'alpha'));
  });
});
