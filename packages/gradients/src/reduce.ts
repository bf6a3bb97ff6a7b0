import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/*
 * Reductions and normalisations along axes.
 */

/** `axis` attr (a number, a list, negative, or absent for all) as non-negative axes of `shape`. */
function reducedAxes(axis: unknown, shape: readonly number[]): number[] {
  return tf.util.parseAxisParam(axis as number | number[], [...shape]);
}

/** `dy` of a reduction over `axes`, reshaped to keep those axes as size 1, then copied along them. */
function spreadOver(dy: Tensor, shape: readonly number[], axes: readonly number[]): Tensor {
  const kept = shape.map((size, axis) => (axes.includes(axis) ? 1 : size));
  return tf.broadcastTo(tf.reshape(tf.cast(dy, 'float32'), kept), [...shape]);
}

/** `y = Σ_axes x`: every summed element moves `y` one for one, `∂x = dy` spread over the axes. */
const sum: GradConfig = {
  kernelName: tf.Sum,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs: NamedAttrMap) => ({
    x: () => spreadOver(dy as Tensor, x!.shape, reducedAxes(attrs.axis, x!.shape)),
  }),
};

/** `y = (1/N) Σ_axes x`, N the number of elements averaged: `∂x = dy / N` spread over the axes. */
const mean: GradConfig = {
  kernelName: tf.Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs: NamedAttrMap) => ({
    x: () => {
      const axes = reducedAxes(attrs.axis, x!.shape);
      const count = axes.reduce((n, axis) => n * x!.shape[axis]!, 1);
      return tf.div(spreadOver(dy as Tensor, x!.shape, axes), count);
    },
  }),
};

/**
 * `y = softmax(x)` along `dim`: `∂y_j/∂x_i = y_j (δ_ij − y_i)`, so
 * `∂x = dy · y − y · Σ_dim(dy · y)`, from the saved output.
 */
const softmax: GradConfig = {
  kernelName: tf.Softmax,
  outputsToSave: [true],
  gradFunc: (dy, [y], attrs: NamedAttrMap) => ({
    logits: () => {
      const weighted = tf.mul(dy as Tensor, y!);
      return tf.sub(weighted, tf.mul(tf.sum(weighted, attrs.dim as number, true), y!));
    },
  }),
};

/** An index is piecewise constant in `x`: `∂x = 0`. */
const argMax: GradConfig = {
  kernelName: tf.ArgMax,
  inputsToSave: ['x'],
  gradFunc: (_dy, [x]) => ({ x: () => tf.zeros(x!.shape, 'float32') }),
};

/** Gradients of Sum, Mean, Softmax and ArgMax (zero). */
export const reduceGradients: readonly GradConfig[] = [sum, mean, softmax, argMax];
