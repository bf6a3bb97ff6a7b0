import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The gradient of an input that was broadcast to `dy`'s shape: broadcasting copies each input
 * element to every position along the axes it lacked (leading ones) or had as size 1, so its
 * gradient is `dy` summed over those axes, `∂x = reshape(Σ_axes dy, shape)`.
 *
 * @param dy    `[...broadcast]`, the gradient of the broadcast result
 * @param shape the input's shape, broadcastable to `dy.shape`
 */
export function unbroadcast(dy: Tensor, shape: readonly number[]): Tensor {
  const lead = dy.rank - shape.length; // axes the input did not have
  const axes: number[] = [];
  for (let axis = 0; axis < dy.rank; axis++) {
    if (axis < lead || (shape[axis - lead] === 1 && dy.shape[axis] !== 1)) axes.push(axis);
  }
  const summed = axes.length > 0 ? tf.sum(dy, axes) : dy;
  return tf.reshape(summed, [...shape]);
}
