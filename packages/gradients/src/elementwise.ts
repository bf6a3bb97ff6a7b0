import type { GradConfig, Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { unbroadcast } from './broadcast';

/*
 * Element-wise kernels. Binary ones broadcast, so each input's gradient is summed back to that
 * input's shape (unbroadcast). Gradients are float32 whatever the inputs' dtype: tfjs's engine
 * refuses any other.
 */

const float = (x: Tensor): Tensor => (x.dtype === 'float32' ? x : tf.cast(x, 'float32'));

/** `z = a + b`: `∂a = dz`, `∂b = dz` (each summed over its broadcast axes). */
const add: GradConfig = {
  kernelName: tf.Add,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]) => ({
    a: () => unbroadcast(dy as Tensor, a!.shape),
    b: () => unbroadcast(dy as Tensor, b!.shape),
  }),
};

/** `z = a − b`: `∂a = dz`, `∂b = −dz`. */
const sub: GradConfig = {
  kernelName: tf.Sub,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]) => ({
    a: () => unbroadcast(dy as Tensor, a!.shape),
    b: () => tf.neg(unbroadcast(dy as Tensor, b!.shape)),
  }),
};

/** `z = a · b`: `∂a = dz · b`, `∂b = dz · a`. */
const multiply: GradConfig = {
  kernelName: tf.Multiply,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]) => ({
    a: () => unbroadcast(tf.mul(dy as Tensor, float(b!)), a!.shape),
    b: () => unbroadcast(tf.mul(dy as Tensor, float(a!)), b!.shape),
  }),
};

/** `z = a / b`: `∂a = dz / b`, `∂b = −dz · a / b²`. */
const realDiv: GradConfig = {
  kernelName: tf.RealDiv,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]) => ({
    a: () => unbroadcast(tf.div(dy as Tensor, float(b!)), a!.shape),
    b: () => {
      const denominator = tf.square(float(b!));
      return tf.neg(unbroadcast(tf.div(tf.mul(dy as Tensor, float(a!)), denominator), b!.shape));
    },
  }),
};

/** `y = −x`: `∂x = −dy`. */
const neg: GradConfig = {
  kernelName: tf.Neg,
  gradFunc: (dy) => ({ x: () => tf.neg(dy as Tensor) }),
};

/** `y = σ(x)`: `∂x = dy · y · (1 − y)`, from the saved output. */
const sigmoid: GradConfig = {
  kernelName: tf.Sigmoid,
  outputsToSave: [true],
  gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as Tensor, tf.mul(y!, tf.sub(1, y!))) }),
};

/** `y = tanh(x)`: `∂x = dy · (1 − y²)`, from the saved output. */
const tanh: GradConfig = {
  kernelName: tf.Tanh,
  outputsToSave: [true],
  gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as Tensor, tf.sub(1, tf.square(y!))) }),
};

/** `y = max(x, 0)`: `∂x = dy · [x > 0]` (0 at x = 0, as PyTorch). */
const relu: GradConfig = {
  kernelName: tf.Relu,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]) => ({
    x: () => tf.mul(dy as Tensor, tf.cast(tf.greater(x!, 0), 'float32')),
  }),
};

/** A cast passes the gradient straight through, `∂x = dy`, whatever the dtypes. */
const cast: GradConfig = {
  kernelName: tf.Cast,
  gradFunc: (dy) => ({ x: () => tf.cast(dy as Tensor, 'float32') }),
};

/** `y = x` (`tf.clone`): `∂x = dy`. */
const identity: GradConfig = {
  kernelName: tf.Identity,
  gradFunc: (dy) => ({ x: () => tf.cast(dy as Tensor, 'float32') }),
};

/** Gradients of the element-wise kernels the packages train through. */
export const elementwiseGradients: readonly GradConfig[] = [
  add,
  sub,
  multiply,
  realDiv,
  neg,
  sigmoid,
  tanh,
  relu,
  cast,
  identity,
];
