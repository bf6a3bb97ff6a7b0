import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The global L2 norm of `tensors`, without overflow: every element is divided by the largest
 * magnitude M first, so the float32 sum of squares is at most the element count, and the norm
 * is M · √Σ(g/M)² in float64. (Squaring directly overflows float32 once an element passes
 * 1.8e19, and the norm would read Infinity for gradients that are all finite.)
 *
 * @returns the norm (NaN or Infinity exactly when some element is), and M
 */
export function globalNorm(tensors: readonly Tensor[]): { norm: number; maxAbs: number } {
  const present = tensors.filter((t) => t.size > 0);
  if (present.length === 0) return { norm: 0, maxAbs: 0 };
  const maxAbs = readScalar(() => tf.max(tf.stack(present.map((t) => tf.max(tf.abs(t))))));
  if (maxAbs === Number.POSITIVE_INFINITY) return { norm: maxAbs, maxAbs };
  // A NaN element propagates through the sum whatever max made of it; M = 0 means all zeros.
  const scale = maxAbs > 0 ? maxAbs : 1;
  const sum = readScalar(() => tf.addN(present.map((t) => tf.sum(tf.square(tf.div(t, scale))))));
  return { norm: scale * Math.sqrt(sum), maxAbs };
}

/**
 * Rescales gradients so that their global L2 norm is at most `maxNorm` (Pascanu et al. 2013),
 * as `torch.nn.utils.clip_grad_norm_`. Returns the new gradients (the old ones are disposed)
 * and the norm before clipping. Gradients whose norm is not finite come back unchanged, with
 * that norm: no rescaling can repair them, and the caller must refuse them.
 */
export function clipByGlobalNorm(
  grads: Record<string, Tensor>,
  maxNorm: number,
): { grads: Record<string, Tensor>; norm: number } {
  const { norm, maxAbs } = globalNorm(Object.values(grads));
  if (!(maxNorm > 0) || !(norm > maxNorm) || !Number.isFinite(norm)) return { grads, norm };
  // g · maxNorm / (norm + 1e-6) as (g / M) · (maxNorm · M / (norm + 1e-6)): both factors stay
  // in float32's normal range even when the norm itself does not.
  const scale = (maxNorm * maxAbs) / (norm + 1e-6);
  const clipped: Record<string, Tensor> = {};
  for (const [name, grad] of Object.entries(grads)) {
    clipped[name] = tf.tidy(() => tf.mul(tf.div(grad, maxAbs), scale));
    grad.dispose();
  }
  return { grads: clipped, norm };
}

function readScalar(f: () => Tensor): number {
  const value = tf.tidy(f);
  const [result] = value.dataSync();
  value.dispose();
  return result!;
}
