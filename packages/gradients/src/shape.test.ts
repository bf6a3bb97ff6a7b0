import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe } from 'vitest';
import { describeAgainstTfjs, type GradientCase, random } from '../test/gradient-check';
import { piecesGradients } from './pieces';
import { shapeGradients } from './shape';

const cases: GradientCase[] = [
  {
    kernel: tf.Reshape,
    name: '[3, 5] → [5, 3]',
    inputs: () => [random([3, 5])],
    f: (x) => tf.reshape(x, [5, 3]),
  },
  ...[1, -1].map((axis) => ({
    kernel: tf.ExpandDims,
    name: `axis ${axis}`,
    inputs: () => [random([3, 5])],
    f: (x: Tensor) => tf.expandDims(x, axis),
  })),
  {
    kernel: tf.Transpose,
    name: 'perm [2, 0, 1]',
    inputs: () => [random([2, 3, 5])],
    f: (x) => tf.transpose(x, [2, 0, 1]),
  },
  ...[1, [0, 2], -1].map((axis) => ({
    kernel: tf.Reverse,
    name: `axis ${axis}`,
    inputs: () => [random([3, 5, 2])],
    f: (x: Tensor) => tf.reverse(x, axis),
  })),
  ...[
    { shape: [3, 1, 2], reps: [2, 3, 1] },
    { shape: [5], reps: [3] },
  ].map(({ shape, reps }) => ({
    kernel: tf.Tile,
    name: `[${shape}] × [${reps}]`,
    inputs: () => [random(shape)],
    f: (x: Tensor) => tf.tile(x, reps),
  })),
  ...[1, -1].map((axis) => ({
    kernel: tf.Concat,
    name: `three along axis ${axis}`,
    inputs: () => [random([3, 2]), random([3, 4]), random([3, 1])],
    f: (...xs: Tensor[]) => tf.concat(xs, axis),
  })),
  {
    kernel: tf.Concat,
    name: 'two along axis 0',
    inputs: () => [random([2, 5]), random([3, 5])],
    f: (...xs) => tf.concat(xs, 0),
  },
  ...[0, 1, -1].map((axis) => ({
    kernel: tf.Pack,
    name: `three on axis ${axis}`,
    inputs: () => [random([3, 5]), random([3, 5]), random([3, 5])],
    f: (...xs: Tensor[]) => tf.stack(xs, axis),
  })),
  {
    kernel: tf.Unpack,
    name: 'axis 1, pieces rejoined',
    inputs: () => [random([3, 4, 5])],
    f: (x) => tf.concat(tf.unstack(x, 1), 1),
  },
  {
    kernel: tf.Unpack,
    name: 'a single piece (one output)',
    inputs: () => [random([3, 1, 5])],
    f: (x) => tf.unstack(x, 1)[0]!,
    reference: (x) => tf.reshape(x, [3, 5]),
  },
  {
    kernel: tf.Unpack,
    name: 'only one of three pieces used',
    inputs: () => [random([3, 5])],
    f: (x) => tf.unstack(x, 0)[1]!,
  },
  {
    kernel: tf.SplitV,
    name: 'sizes [1, 3, 2], rejoined backwards',
    inputs: () => [random([3, 6])],
    f: (x) => tf.concat(tf.split(x, [1, 3, 2], 1).reverse(), 1),
  },
  {
    kernel: tf.SplitV,
    name: 'three equal along axis -1, one used',
    inputs: () => [random([2, 3, 6])],
    f: (x) => tf.split(x, 3, -1)[2]!,
  },
  {
    kernel: tf.SplitV,
    name: 'into one piece',
    inputs: () => [random([3, 5])],
    f: (x) => tf.split(x, 1, 0)[0]!,
    reference: (x) => tf.clone(x),
  },
  {
    kernel: tf.Slice,
    name: 'size -1 (to the end)',
    inputs: () => [random([5, 7])],
    f: (x) => tf.slice(x, [1, 2], [3, -1]),
  },
  {
    kernel: tf.Slice,
    name: '1-D, number begin',
    inputs: () => [random([7])],
    f: (x) => tf.slice(x, 2, 3),
  },
  {
    kernel: tf.Slice,
    name: '3-D',
    inputs: () => [random([3, 4, 5])],
    f: (x) => tf.slice(x, [0, 1, 2], [3, 2, 2]),
  },
];

describe('shape, cut and join gradients against tfjs', () => {
  describeAgainstTfjs([...shapeGradients, ...piecesGradients], cases);
});
