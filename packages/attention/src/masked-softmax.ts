import type { Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** Added to the scores of masked positions: exp of it underflows to exactly 0 in float32. */
const MASKED_SCORE = -1e9;

/**
 * Softmax over the last axis of `scores` `[B, S]` that gives masked positions (mask 0) exactly
 * zero weight, so that the rest sum to 1. Every row needs at least one unmasked position.
 *
 * @param mask `[B, S]` float32, 1 = attend, 0 = padding
 */
export function maskedSoftmax(scores: Tensor2D, mask?: Tensor2D): Tensor2D {
  if (!mask) return tf.softmax(scores);
  return tf.tidy(() => {
    const hidden = tf.mul(tf.sub(1, mask), MASKED_SCORE);
    return tf.mul(tf.softmax(tf.add(scores, hidden)), mask) as Tensor2D;
  });
}

/**
 * `[B, S]` float32 mask from sequence lengths: 1 for the first `lengths[b]` positions.
 * A convenience for callers that hold lengths, as encoders do.
 */
export function lengthsToMask(lengths: ArrayLike<number>, steps: number): Tensor2D {
  const batch = lengths.length;
  const values = new Float32Array(batch * steps);
  for (let b = 0; b < batch; b++)
    values.fill(1, b * steps, b * steps + Math.min(lengths[b]!, steps));
  return tf.tensor2d(values, [batch, steps]);
}
