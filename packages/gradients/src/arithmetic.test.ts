import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe } from 'vitest';
import {
  awayFromZero,
  describeAgainstTfjs,
  type GradientCase,
  random,
} from '../test/gradient-check';
import { elementwiseGradients } from './elementwise';
import { matmulGradients } from './matmul';
import { reduceGradients } from './reduce';

const binary = (
  kernel: string,
  op: (a: Tensor, b: Tensor) => Tensor,
  divisor = false,
): GradientCase[] =>
  [
    { a: [3, 5], b: [3, 5] },
    { a: [3, 1, 5], b: [7, 1] }, // both broadcast: [3, 7, 5]
    { a: [5], b: [3, 5] },
    { a: [3, 5], b: [] },
  ].map(({ a, b }) => ({
    kernel,
    name: `[${a}] with [${b}]`,
    inputs: () => [random(a), divisor ? awayFromZero(b) : random(b)],
    f: op,
  }));

const unary = (kernel: string, op: (x: Tensor) => Tensor): GradientCase => ({
  kernel,
  name: '[3, 5]',
  inputs: () => [random([3, 5])],
  f: op,
});

const cases: GradientCase[] = [
  ...binary(tf.Add, tf.add),
  ...binary(tf.Sub, tf.sub),
  ...binary(tf.Multiply, tf.mul),
  ...binary(tf.RealDiv, tf.div, true),
  unary(tf.Neg, tf.neg),
  unary(tf.Sigmoid, tf.sigmoid),
  unary(tf.Tanh, tf.tanh),
  {
    kernel: tf.Relu,
    name: 'with exact zeros',
    inputs: () => [
      tf.tensor([
        [-1, 0, 2],
        [0.5, 0, -0.25],
        [3, -2, 0],
      ]),
    ],
    f: tf.relu,
  },
  { ...unary(tf.Cast, (x) => tf.cast(tf.cast(x, 'int32'), 'float32')), name: 'to int32 and back' },
  { ...unary(tf.Cast, (x) => tf.cast(x, 'float32')), name: 'float32 to float32' },
  unary(tf.Identity, tf.clone),
  ...[
    { a: [3, 5, 7], b: [3, 7, 2], tA: false, tB: false },
    { a: [3, 7, 5], b: [3, 7, 2], tA: true, tB: false },
    { a: [3, 5, 7], b: [3, 2, 7], tA: false, tB: true },
    { a: [3, 7, 5], b: [3, 2, 7], tA: true, tB: true },
    { a: [5, 7], b: [7, 3], tA: false, tB: false },
  ].map(({ a, b, tA, tB }) => ({
    kernel: tf.BatchMatMul,
    name: `[${a}]${tA ? 'ᵀ' : ''} · [${b}]${tB ? 'ᵀ' : ''}`,
    inputs: () => [random(a), random(b)],
    f: (x: Tensor, y: Tensor) => tf.matMul(x, y, tA, tB),
  })),
  // tfjs 4.22's kernels broadcast one batch axis against size 1 (not, e.g., [2, 1] against [3]).
  ...[
    { a: [1, 5, 7], b: [3, 7, 2], wideA: [3, 5, 7], wideB: [3, 7, 2] },
    { a: [3, 5, 7], b: [7, 2], wideA: [3, 5, 7], wideB: [3, 7, 2] },
  ].map(({ a, b, wideA, wideB }) => ({
    kernel: tf.BatchMatMul,
    name: `[${a}] · [${b}], batch broadcast`,
    inputs: () => [random(a), random(b)],
    f: (x: Tensor, y: Tensor) => tf.matMul(x, y),
    reference: (x: Tensor, y: Tensor) =>
      tf.matMul(tf.broadcastTo(x, wideA), tf.broadcastTo(y, wideB)),
  })),
  ...[undefined, 1, [0, 2], -1].map((axis) => ({
    kernel: tf.Sum,
    name: `axis ${axis}`,
    inputs: () => [random([3, 5, 2])],
    f: (x: Tensor) => tf.sum(x, axis, axis === -1),
  })),
  ...[undefined, -1, [0, 2]].map((axis) => ({
    kernel: tf.Mean,
    name: `axis ${axis}`,
    inputs: () => [random([3, 5, 2])],
    f: (x: Tensor) => tf.mean(x, axis, axis === -1),
  })),
  ...[
    [3, 5],
    [2, 3, 5],
  ].map((shape) => ({
    kernel: tf.Softmax,
    name: `[${shape}]`,
    inputs: () => [random(shape)],
    f: (x: Tensor) => tf.softmax(x),
  })),
  {
    kernel: tf.ArgMax,
    name: 'index cast to float, beside a sum',
    inputs: () => [random([3, 5])],
    f: (x) => tf.add(tf.cast(tf.argMax(x, 1), 'float32'), tf.sum(x, 1)),
  },
];

describe('element-wise, matmul and reduction gradients against tfjs', () => {
  describeAgainstTfjs([...elementwiseGradients, ...matmulGradients, ...reduceGradients], cases);
});
