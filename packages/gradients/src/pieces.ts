import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/*
 * Kernels that cut a tensor into pieces or join pieces into one: the gradient of a cut is the
 * pieces' gradients joined, and the gradient of a join is `dy` cut the same way.
 */

type GradientMap = ReturnType<GradConfig['gradFunc']>;

/** A multi-output kernel's gradients come as a list, or as one tensor when it had one output. */
const asList = (dy: Tensor | Tensor[]): Tensor[] => (Array.isArray(dy) ? dy : [dy]);

/** Gradients of kernels whose inputs are a list (Concat, Pack) are keyed by position. */
function byPosition(count: number, gradient: (i: number) => Tensor): GradientMap {
  const map: GradientMap = {};
  for (let i = 0; i < count; i++) map[i] = () => gradient(i);
  return map;
}

/** `y = concat(x_0, x_1, …)` along `axis`: `∂x_i` is `dy`'s block at `x_i`'s offset along it. */
const concat: GradConfig = {
  kernelName: tf.Concat,
  saveAllInputs: true, // for the inputs' sizes along the axis
  gradFunc: (dy, saved, attrs: NamedAttrMap) => {
    const axis = tf.util.parseAxisParam(attrs.axis as number, saved[0]!.shape)[0]!;
    const offsets = [0];
    for (const x of saved) offsets.push(offsets[offsets.length - 1]! + x.shape[axis]!);
    return byPosition(saved.length, (i) => {
      const begin = saved[i]!.shape.map((_, k) => (k === axis ? offsets[i]! : 0));
      return tf.slice(dy as Tensor, begin, saved[i]!.shape);
    });
  },
};

/** `y = stack(x_0, x_1, …)` on a new `axis`: `∂x_i = unstack(dy, axis)[i]`. */
const pack: GradConfig = {
  kernelName: tf.Pack,
  gradFunc: (dy, _saved, attrs: NamedAttrMap) => {
    const pieces = tf.unstack(dy as Tensor, attrs.axis as number);
    return byPosition(pieces.length, (i) => pieces[i]!);
  },
};

/** `[y_0, y_1, …] = unstack(value, axis)`: `∂value = stack(dy_0, dy_1, …)` on that axis. */
const unpack: GradConfig = {
  kernelName: tf.Unpack,
  gradFunc: (dy, _saved, attrs: NamedAttrMap) => ({
    value: () => tf.stack(asList(dy), attrs.axis as number),
  }),
};

/** `[y_0, y_1, …] = split(x, sizes, axis)`: `∂x = concat(dy_0, dy_1, …)` along that axis. */
const splitV: GradConfig = {
  kernelName: tf.SplitV,
  gradFunc: (dy, _saved, attrs: NamedAttrMap) => ({
    x: () => tf.concat(asList(dy), attrs.axis as number),
  }),
};

/**
 * `y = x[begin : begin + size]`: the cut-out elements get `dy`, the rest 0, so `∂x` is `dy`
 * padded with `begin_k` zeros before and `x_k − begin_k − size_k` after along each axis k.
 */
const slice: GradConfig = {
  kernelName: tf.Slice,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs: NamedAttrMap) => ({
    x: () => {
      const [begin, size] = tf.slice_util.parseSliceParams(
        x!,
        attrs.begin as number | number[],
        attrs.size as number | number[],
      ) as [number[], number[]];
      const padding = x!.shape.map((total, k): [number, number] => [
        begin[k]!,
        total - begin[k]! - size[k]!,
      ]);
      return tf.pad(dy as Tensor, padding);
    },
  }),
};

/** Gradients of the kernels that cut and join tensors: Concat, Pack, Unpack, SplitV, Slice. */
export const piecesGradients: readonly GradConfig[] = [concat, pack, unpack, splitV, slice];
