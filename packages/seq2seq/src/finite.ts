import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The names whose tensors hold a NaN or ±Infinity, with one read from the backend for all of
 * them. Used before a weight update is committed and before any checkpoint is handed out.
 */
export function nonFiniteNames(
  named: ReadonlyArray<readonly [string, Tensor | readonly Tensor[]]>,
): string[] {
  if (named.length === 0) return [];
  // x·0 is 0 for every finite x and NaN otherwise, and a sum of zeros cannot overflow.
  const flags = tf.tidy(() =>
    tf.stack(
      named.map(([, value]) =>
        tf.addN((Array.isArray(value) ? value : [value]).map((t: Tensor) => tf.sum(tf.mul(t, 0)))),
      ),
    ),
  );
  const values = flags.dataSync();
  flags.dispose();
  return named.filter((_, i) => values[i] !== 0).map(([name]) => name);
}
