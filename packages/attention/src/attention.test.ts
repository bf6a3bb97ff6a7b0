import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/leaks';
import { AdditiveAttention } from './additive-attention';
import type { Attention } from './attention';
import { LuongAttention } from './luong-attention';
import { lengthsToMask } from './masked-softmax';

/** Each kind, and the names of its parameters (the dot scores have none). */
const kinds: Array<[string, () => Attention, string[]]> = [
  [
    'additive (Bahdanau / Luong concat)',
    () => new AdditiveAttention({ queryWidth: 5, keyWidth: 7, hiddenWidth: 3, seed: 42 }),
    ['query_layer.weight', 'key_layer.weight', 'energy_layer.weight'],
  ],
  [
    'Luong general',
    () => new LuongAttention({ score: 'general', queryWidth: 5, keyWidth: 7, seed: 42 }),
    ['key_layer.weight'],
  ],
  ['Luong dot', () => new LuongAttention({ score: 'dot', queryWidth: 7, keyWidth: 7 }), []],
  [
    'Luong scaled dot',
    () => new LuongAttention({ score: 'dot', queryWidth: 7, keyWidth: 7, scaled: true }),
    [],
  ],
];

describe.each(kinds)('%s', (_name, make, parameterNames) => {
  it('gives padding exactly zero weight, sums to 1 elsewhere, and averages the values', async () => {
    const attention = make();
    const [batch, steps] = [3, 5];
    const query = tf.randomNormal([batch, attention.queryWidth], 0, 2, 'float32', 1) as Tensor2D;
    const keys = tf.randomNormal([batch, steps, 7], 0, 2, 'float32', 2) as Tensor3D;
    const values = tf.randomNormal([batch, steps, 9], 0, 1, 'float32', 3) as Tensor3D;
    const lengths = [5, 2, 4];
    const mask = lengthsToMask(lengths, steps);
    await expectNoLeaks(() => {
      const { context, weights } = attention.forward({ query, keys, values, mask });
      expect(context.shape).toEqual([batch, 9]);
      const w = weights.arraySync() as number[][];
      lengths.forEach((length, b) => {
        const row = w[b]!;
        expect(row.slice(length).every((x) => x === 0)).toBe(true);
        expect(row.slice(0, length).every((x) => x > 0)).toBe(true);
        expect(Math.abs(row.reduce((a, x) => a + x, 0) - 1)).toBeLessThan(1e-6);
      });
      const expected = tf.tidy(() => tf.sum(tf.mul(tf.expandDims(weights, 2), values), 1));
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(expected, context))).dataSync()[0]!)).toBeLessThan(
        1e-6,
      );
      // Keys projected once and passed in give the same result.
      const projectedKeys = attention.projectKeys(keys);
      const again = attention.forward({ query, keys, values, mask, projectedKeys });
      expect(again.weights.arraySync()).toEqual(w);
      tf.dispose([context, weights, expected, projectedKeys, again.context, again.weights]);
    });
    tf.dispose([query, keys, values, mask]);
    attention.dispose();
  });

  it('passes gradients to every parameter, the query and the keys, leaking nothing', async () => {
    const attention = make();
    const query = tf.variable(tf.randomNormal([2, attention.queryWidth], 0, 1, 'float32', 4));
    const keys = tf.variable(tf.randomNormal([2, 3, 7], 0, 1, 'float32', 5));
    const mask = lengthsToMask([3, 2], 3);
    await expectNoLeaks(() => {
      const { value, grads } = tf.variableGrads(() => {
        const { context } = attention.forward({
          query: query as Tensor2D,
          keys: keys as Tensor3D,
          values: keys as Tensor3D,
          mask,
        });
        return tf.sum(tf.square(context)) as tf.Scalar;
      }, [query, keys, ...attention.parameters()]);
      expect(attention.namedParameters().map(([name]) => name)).toEqual(parameterNames);
      const variables = [query, keys, ...attention.parameters()].map((v) => v.name);
      expect(Object.keys(grads).sort()).toEqual(variables.sort());
      for (const grad of Object.values(grads)) {
        expect(tf.tidy(() => tf.max(tf.abs(grad)).dataSync()[0]!)).toBeGreaterThan(0);
      }
      tf.dispose([value, ...Object.values(grads)]);
    });
    tf.dispose([query, keys, mask]);
    attention.dispose();
  });
});

describe('hand-computed cases', () => {
  it('dot: scores qᵀk, masked softmax, context', async () => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        const attention = new LuongAttention({ score: 'dot', queryWidth: 2, keyWidth: 2 });
        const keys = tf.tensor3d([
          [
            [1, 0],
            [0, 1],
            [2, 0],
          ],
        ]);
        const { context, weights } = attention.forward({
          query: tf.tensor2d([[1, 0]]),
          keys,
          values: keys,
          mask: tf.tensor2d([[1, 1, 0]]),
        });
        const e = Math.E;
        const w = weights.arraySync()[0]!;
        for (const [i, x] of [e / (e + 1), 1 / (e + 1), 0].entries())
          expect(w[i]).toBeCloseTo(x, 6);
        const c = context.arraySync()[0]!;
        expect(c[0]).toBeCloseTo(e / (e + 1), 6);
        expect(c[1]).toBeCloseTo(1 / (e + 1), 6);
        attention.dispose();
      }),
    );
  });

  it('additive: vᵀ tanh(W q + U k) with known weights', async () => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        const attention = new AdditiveAttention({
          queryWidth: 1,
          keyWidth: 1,
          hiddenWidth: 2,
          seed: 1,
        });
        const dict = {
          'query_layer.weight': tf.tensor2d([[1], [-1]]),
          'key_layer.weight': tf.tensor2d([[2], [0.5]]),
          'energy_layer.weight': tf.tensor2d([[1, 3]]),
        };
        attention.loadStateDict(dict);
        const keys = tf.tensor3d([[[0.1], [-0.4]]]);
        const { weights } = attention.forward({ query: tf.tensor2d([[0.3]]), keys, values: keys });
        const score = (k: number) => Math.tanh(0.3 + 2 * k) + 3 * Math.tanh(-0.3 + 0.5 * k);
        const [s0, s1] = [score(0.1), score(-0.4)];
        const w0 = Math.exp(s0) / (Math.exp(s0) + Math.exp(s1));
        expect(weights.arraySync()[0]![0]).toBeCloseTo(w0, 6);
        expect(attention.namedParameters().map(([n]) => n)).toEqual(Object.keys(dict));
        attention.dispose();
      }),
    );
  });

  it('scaled dot divides the scores by √Hk', async () => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        const plain = new LuongAttention({ score: 'dot', queryWidth: 4, keyWidth: 4 });
        const scaled = new LuongAttention({
          score: 'dot',
          queryWidth: 4,
          keyWidth: 4,
          scaled: true,
        });
        const keys = tf.tensor3d([
          [
            [1, 0, 0, 0],
            [0, 0, 0, 0],
          ],
        ]);
        const query = tf.tensor2d([[2, 0, 0, 0]]);
        const a = plain.forward({ query, keys, values: keys }).weights.arraySync()[0]![0]!;
        const b = scaled.forward({ query, keys, values: keys }).weights.arraySync()[0]![0]!;
        expect(a).toBeCloseTo(Math.exp(2) / (Math.exp(2) + 1), 6);
        expect(b).toBeCloseTo(Math.exp(1) / (Math.exp(1) + 1), 6);
        plain.dispose();
        scaled.dispose();
      }),
    );
  });
});

describe('bad input is refused at the boundary', () => {
  const attention = new AdditiveAttention({ queryWidth: 5, keyWidth: 7, seed: 1 });
  const q = tf.zeros([2, 5]) as Tensor2D;
  const k = tf.zeros([2, 3, 7]) as Tensor3D;
  it.each([
    [
      'query width',
      () => attention.forward({ query: tf.zeros([2, 4]) as Tensor2D, keys: k, values: k }),
      'AdditiveAttention.forward: query must be [batch, 5], got [2, 4]',
    ],
    [
      'keys batch',
      () => attention.forward({ query: q, keys: tf.zeros([3, 3, 7]) as Tensor3D, values: k }),
      'keys must be [2, source, 7], got [3, 3, 7]',
    ],
    [
      'values length',
      () => attention.forward({ query: q, keys: k, values: tf.zeros([2, 4, 7]) as Tensor3D }),
      'values must be [2, 3, value], got [2, 4, 7]',
    ],
    [
      'mask shape',
      () => attention.forward({ query: q, keys: k, values: k, mask: tf.ones([2, 4]) as Tensor2D }),
      'mask must be [2, 3], got [2, 4]',
    ],
    [
      'projected keys width',
      () =>
        attention.forward({
          query: q,
          keys: k,
          values: k,
          projectedKeys: tf.zeros([2, 3, 5]) as Tensor3D,
        }),
      'projectedKeys must be [2, 3, 7], got [2, 3, 5]',
    ],
    [
      'dot with unequal widths',
      () => new LuongAttention({ score: 'dot', queryWidth: 5, keyWidth: 7 }),
      'the dot score needs queryWidth = keyWidth, got 5 and 7',
    ],
    [
      'an unknown score',
      () => new LuongAttention({ score: 'concat' as never, queryWidth: 5, keyWidth: 7 }),
      "score must be 'dot' or 'general' (concat is AdditiveAttention), got 'concat'",
    ],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
