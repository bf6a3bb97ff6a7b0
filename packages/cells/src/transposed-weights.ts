import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/*
 * Weights are kept in PyTorch's [out, in] layout, and every product needs them as [in, out]
 * (the wasm backend is slow with transposed operands). Inside `withTransposedWeights`, each
 * weight is transposed once and reused: a decoder step reuses the same weights for every token,
 * so decoding no longer pays a transpose per weight per step. The transposes are keyed by the
 * weight's data, so a weight assigned a new value inside the scope is transposed again.
 */

let cache: Map<object, Tensor> | undefined;

/**
 * Runs `body` with transposed weights cached, and frees them when it returns. Nested calls share
 * the outer cache. Synchronous bodies only.
 */
export function withTransposedWeights<T>(body: () => T): T {
  if (cache) return body();
  cache = new Map();
  try {
    return body();
  } finally {
    for (const transposed of cache.values()) transposed.dispose();
    cache = undefined;
  }
}

/** `weightᵀ` — from the cache inside `withTransposedWeights`, else a new tensor (tidy-managed). */
export function transposedWeight(weight: Tensor): Tensor {
  if (!cache) return tf.transpose(weight);
  const key = weight.dataId as object;
  let transposed = cache.get(key);
  if (!transposed) {
    transposed = tf.keep(tf.transpose(weight));
    cache.set(key, transposed);
  }
  return transposed;
}
