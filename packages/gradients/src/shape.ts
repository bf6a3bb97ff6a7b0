import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/*
 * Kernels that move elements without changing them: each gradient moves `dy` back.
 */

/** A reshape keeps the elements in order: `∂x = reshape(dy, x.shape)`. */
const reshape: GradConfig = {
  kernelName: tf.Reshape,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]) => ({ x: () => tf.reshape(dy as Tensor, x!.shape) }),
};

/** A size-1 axis added: `∂input = reshape(dy, input.shape)`. */
const expandDims: GradConfig = {
  kernelName: tf.ExpandDims,
  inputsToSave: ['input'],
  gradFunc: (dy, [input]) => ({ input: () => tf.reshape(dy as Tensor, input!.shape) }),
};

/** `y = transpose(x, perm)`: `∂x = transpose(dy, perm⁻¹)`, where `perm⁻¹[perm[i]] = i`. */
const transpose: GradConfig = {
  kernelName: tf.Transpose,
  gradFunc: (dy, _saved, attrs: NamedAttrMap) => {
    const perm = attrs.perm as number[];
    const inverse = new Array<number>(perm.length);
    perm.forEach((axis, i) => {
      inverse[axis] = i;
    });
    return { x: () => tf.transpose(dy as Tensor, inverse) };
  },
};

/** Reversing along `dims` is its own inverse: `∂x = reverse(dy, dims)`. */
const reverse: GradConfig = {
  kernelName: tf.Reverse,
  gradFunc: (dy, _saved, attrs: NamedAttrMap) => ({
    x: () => tf.reverse(dy as Tensor, attrs.dims as number | number[]),
  }),
};

/**
 * `y = tile(x, reps)`: along axis k, `y[q·s_k + i] = x[i]` for each copy `q < reps[k]`, `s_k` the
 * size of x's axis. So `∂x[i] = Σ_q dy[q·s_k + i]`: view `dy` as `[reps[0], s_0, reps[1], s_1, …]`
 * and sum the copy axes (the even ones).
 */
const tile: GradConfig = {
  kernelName: tf.Tile,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs: NamedAttrMap) => ({
    x: () => {
      const reps = attrs.reps as number[];
      const copies = x!.shape.flatMap((size, axis) => [reps[axis]!, size]);
      const copyAxes = x!.shape.map((_, axis) => 2 * axis);
      return tf.reshape(tf.sum(tf.reshape(dy as Tensor, copies), copyAxes), x!.shape);
    },
  }),
};

/** Gradients of the kernels that move or repeat elements: Reshape, ExpandDims, Transpose, Reverse, Tile. */
export const shapeGradients: readonly GradConfig[] = [
  reshape,
  expandDims,
  transpose,
  reverse,
  tile,
];
