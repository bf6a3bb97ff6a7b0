import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { logSoftmaxRows } from './hypothesis';

describe('logSoftmaxRows', () => {
  it('agrees with tf.logSoftmax row by row, on odd sizes and far-apart logits', () => {
    const logits = tf.randomNormal([5, 7], 0, 3, 'float32', 11);
    const values = logits.dataSync() as Float32Array;
    values[3] = 80; // exp(80) overflows float32: the max is subtracted first
    values[7 + 2] = -90;
    const expected = tf.tidy(() => tf.logSoftmax(tf.tensor2d(values, [5, 7])).dataSync());
    const ours = logSoftmaxRows(values, 5, 7);
    expect(ours).toHaveLength(35);
    for (let i = 0; i < 35; i++) expect(Math.abs(ours[i]! - expected[i]!)).toBeLessThan(2e-6);
    expect(ours[3]).toBeCloseTo(0, 6); // one logit far above the rest takes all the mass
    for (let r = 0; r < 5; r++) {
      let total = 0;
      for (let v = 0; v < 7; v++) total += Math.exp(ours[r * 7 + v]!);
      expect(total).toBeCloseTo(1, 6);
    }
    logits.dispose();
    expect(tf.memory().numTensors).toBe(0);
  });
});
