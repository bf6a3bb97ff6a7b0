import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Rescales gradients so that their global L2 norm is at most `maxNorm` (Pascanu et al. 2013),
 * as `torch.nn.utils.clip_grad_norm_`. Returns the new gradients (the old ones are disposed)
 * and the norm before clipping.
 */
export function clipByGlobalNorm(
  grads: Record<string, Tensor>,
  maxNorm: number,
): { grads: Record<string, Tensor>; norm: number } {
  const values = Object.values(grads);
  const norm = tf.tidy(
    () => tf.sqrt(tf.addN(values.map((g) => tf.sum(tf.square(g))))).dataSync()[0]!,
  );
  if (!(maxNorm > 0) || !(norm > maxNorm) || !Number.isFinite(norm)) return { grads, norm };
  const scale = maxNorm / (norm + 1e-6);
  const clipped: Record<string, Tensor> = {};
  for (const [name, grad] of Object.entries(grads)) {
    clipped[name] = tf.mul(grad, scale);
    grad.dispose();
  }
  return { grads: clipped, norm };
}
