import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * `tf.unstack` along axis 0 that is differentiable when the axis has size 1: tfjs's unstack
 * gradient expects one dy per output, and a single-output op is handed a bare tensor instead.
 */
export function unstackFirst<T extends Tensor>(tensor: Tensor): T[] {
  if (tensor.shape[0] === 1) return [tf.reshape(tensor, tensor.shape.slice(1)) as T];
  return tf.unstack(tensor) as T[];
}
