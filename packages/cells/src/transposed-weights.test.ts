import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/fixtures';
import { transposedWeight, withTransposedWeights } from './transposed-weights';

describe('withTransposedWeights', () => {
  it('transposes each weight once inside the scope, frees them after, and follows new values', async () => {
    const weight = tf.variable(
      tf.tensor2d([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    );
    await expectNoLeaks(() => {
      withTransposedWeights(() => {
        const first = transposedWeight(weight);
        expect(first.arraySync()).toEqual([
          [1, 4],
          [2, 5],
          [3, 6],
        ]);
        expect(tf.tidy(() => transposedWeight(weight))).toBe(first); // cached, and survives tidy
        withTransposedWeights(() => expect(transposedWeight(weight)).toBe(first)); // nested scopes share
        tf.tidy(() =>
          weight.assign(
            tf.tensor2d([
              [7, 8, 9],
              [10, 11, 12],
            ]),
          ),
        );
        expect(transposedWeight(weight).arraySync()).toEqual([
          [7, 10],
          [8, 11],
          [9, 12],
        ]);
      });
    });
    weight.dispose();
  });

  it('outside a scope, each call makes a new transpose', () => {
    const weight = tf.tensor2d([[1, 2]]);
    const [a, b] = [transposedWeight(weight), transposedWeight(weight)];
    expect(a).not.toBe(b);
    tf.dispose([a, b, weight]);
  });
});
