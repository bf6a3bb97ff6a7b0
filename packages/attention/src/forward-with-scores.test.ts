import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/leaks';
import { AdditiveAttention } from './additive-attention';
import type { Attention } from './attention';
import { LuongAttention } from './luong-attention';
import { lengthsToMask } from './masked-softmax';

const kinds: Array<[string, () => Attention]> = [
  [
    'additive',
    () => new AdditiveAttention({ queryWidth: 5, keyWidth: 7, hiddenWidth: 3, seed: 42 }),
  ],
  [
    'Luong general',
    () => new LuongAttention({ score: 'general', queryWidth: 5, keyWidth: 7, seed: 42 }),
  ],
  ['Luong dot', () => new LuongAttention({ score: 'dot', queryWidth: 7, keyWidth: 7 })],
];

describe.each(kinds)('%s forwardWithScores', (_name, make) => {
  it('returns forward’s weights and context exactly, and the scores they come from', async () => {
    const attention = make();
    const [batch, steps] = [3, 5];
    const query = tf.randomNormal([batch, attention.queryWidth], 0, 2, 'float32', 1) as Tensor2D;
    const keys = tf.randomNormal([batch, steps, 7], 0, 2, 'float32', 2) as Tensor3D;
    const values = tf.randomNormal([batch, steps, 9], 0, 1, 'float32', 3) as Tensor3D;
    const lengths = [5, 2, 4];
    const mask = lengthsToMask(lengths, steps);
    await expectNoLeaks(() => {
      const plain = attention.forward({ query, keys, values, mask });
      const scored = attention.forwardWithScores({ query, keys, values, mask });
      expect(scored.scores.shape).toEqual([batch, steps]);
      expect(scored.weights.arraySync()).toEqual(plain.weights.arraySync());
      expect(scored.context.arraySync()).toEqual(plain.context.arraySync());
      // α_ij = exp(e_ij) / Σ_k exp(e_ik) over the real positions, computed here by hand.
      const e = scored.scores.arraySync();
      const w = scored.weights.arraySync();
      lengths.forEach((length, b) => {
        const row = e[b]!.slice(0, length);
        const top = Math.max(...row);
        const total = row.reduce((sum, x) => sum + Math.exp(x - top), 0);
        for (const [j, x] of row.entries())
          expect(w[b]![j]).toBeCloseTo(Math.exp(x - top) / total, 6);
      });
      tf.dispose([plain.context, plain.weights, scored.context, scored.weights, scored.scores]);
    });
    tf.dispose([query, keys, values, mask]);
    attention.dispose();
  });
});

describe('forwardWithScores', () => {
  it('gives the additive score vᵀ tanh(W q + U k) with known weights', async () => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        const attention = new AdditiveAttention({ queryWidth: 1, keyWidth: 1, hiddenWidth: 2 });
        attention.loadStateDict({
          'query_layer.weight': tf.tensor2d([[1], [-1]]),
          'key_layer.weight': tf.tensor2d([[2], [0.5]]),
          'energy_layer.weight': tf.tensor2d([[1, 3]]),
        });
        const keys = tf.tensor3d([[[0.1], [-0.4], [0.7]]]);
        const { scores, weights } = attention.forwardWithScores({
          query: tf.tensor2d([[0.3]]),
          keys,
          values: keys,
          mask: tf.tensor2d([[1, 1, 0]]),
        });
        const score = (k: number) => Math.tanh(0.3 + 2 * k) + 3 * Math.tanh(-0.3 + 0.5 * k);
        // The masked position keeps its raw score; only its weight is 0.
        for (const [j, k] of [0.1, -0.4, 0.7].entries())
          expect(scores.arraySync()[0]![j]).toBeCloseTo(score(k), 6);
        expect(weights.arraySync()[0]![2]).toBe(0);
        attention.dispose();
      }),
    );
  });

  it('refuses a bad shape naming itself', () => {
    const attention = new AdditiveAttention({ queryWidth: 5, keyWidth: 7, seed: 1 });
    const before = tf.memory().numTensors;
    const k = tf.zeros([2, 3, 7]) as Tensor3D;
    const q = tf.zeros([2, 4]) as Tensor2D;
    expect(() => attention.forwardWithScores({ query: q, keys: k, values: k })).toThrow(
      'AdditiveAttention.forwardWithScores: query must be [batch, 5], got [2, 4]',
    );
    tf.dispose([k, q]);
    expect(tf.memory().numTensors).toBe(before);
    attention.dispose();
  });
});
