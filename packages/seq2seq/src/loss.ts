import type { Scalar, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Mean cross-entropy over real target tokens, with optional label smoothing (Szegedy et al.
 * 2016): the target distribution puts `1 - ε` on the gold token and `ε` spread uniformly.
 *
 * @param logits  `[B, T, V]`
 * @param targets int32 `[B, T]`
 * @param mask    float32 `[B, T]`: 1 on tokens that count
 * @param smoothing ε in [0, 1)
 */
export function maskedCrossEntropy(
  logits: Tensor3D,
  targets: Tensor2D,
  mask: Tensor2D,
  smoothing = 0,
): Scalar {
  return tf.tidy(() => {
    const vocab = logits.shape[2];
    const logProbs = tf.logSoftmax(logits); // [B, T, V]
    const gold = tf.oneHot(targets, vocab); // one-hot avoids gather's gradient, missing on wasm
    const nll = tf.neg(tf.sum(tf.mul(logProbs, gold), -1)); // [B, T]
    const perToken =
      smoothing > 0
        ? tf.add(tf.mul(nll, 1 - smoothing), tf.mul(tf.neg(tf.mean(logProbs, -1)), smoothing))
        : nll;
    return tf.div(tf.sum(tf.mul(perToken, mask)), tf.maximum(tf.sum(mask), 1)) as Scalar;
  });
}
