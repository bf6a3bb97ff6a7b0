import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/fixtures';
import { GRU } from './gru';
import { LSTM } from './lstm';

const randn = (shape: [number, number, number], seed = 42) =>
  tf.randomNormal(shape, 0, 1, 'float32', seed) as Tensor3D;
const maxDiff = (a: Tensor, b: Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

/**
 * Largest departure of one traced LSTM direction (each `[T, B, H]`, in time order) from the
 * equations at every step and unit: c_t = f_t c_{t-1} + i_t g_t and h_t = o_t tanh(c_t), where
 * `c0` `[B, H]` is the state before the direction's first step (t = T - 1 when `reversed`).
 */
function lstmEquationGap(
  traced: Record<'input' | 'forget' | 'cell' | 'output' | 'cellState' | 'hidden', Tensor3D>,
  c0: Tensor,
  reversed: boolean,
): number {
  return tf.tidy(() => {
    const { input, forget, cell, output, cellState, hidden } = traced;
    const steps = cellState.shape[0];
    const start = tf.expandDims(c0, 0); // [1, B, H]
    const previous = reversed // [T, B, H]: the state each step starts from
      ? tf.concat([tf.slice(cellState, 1, steps - 1), start], 0)
      : tf.concat([start, tf.slice(cellState, 0, steps - 1)], 0);
    const c = tf.add(tf.mul(forget, previous), tf.mul(input, cell));
    const h = tf.mul(output, tf.tanh(cellState));
    return Math.max(maxDiff(c, cellState), maxDiff(h, hidden));
  });
}

describe('gate tracing', () => {
  it('LSTM: every gate per step [T, B, H], obeying the LSTM equations from c0 to cN, nothing leaked', async () => {
    const lstm = new LSTM({
      inputSize: 7,
      hiddenSize: 5,
      numLayers: 2,
      bidirectional: true,
      seed: 4,
    });
    const x = randn([6, 3, 7]);
    const [h0, c0] = [randn([4, 3, 5], 5), randn([4, 3, 5], 6)]; // [L*D, B, H]
    await expectNoLeaks(() => {
      const { output, hN, cN, trace } = lstm.forward(x, { h0, c0, trace: true });
      tf.tidy(() => {
        expect(trace).toHaveLength(2);
        const c0s = tf.unstack(c0); // L*D × [B, H]
        trace!.forEach((layer, l) => {
          for (const [d, direction] of [layer.forward, layer.reverse!].entries()) {
            expect(Object.keys(direction).sort()).toEqual([
              'cell',
              'cellState',
              'forget',
              'hidden',
              'input',
              'output',
            ]);
            for (const value of Object.values(direction)) expect(value.shape).toEqual([6, 3, 5]);
            expect(lstmEquationGap(direction, c0s[2 * l + d]!, d === 1)).toBeLessThan(1e-6);
          }
        });
        // Layer 1 forward ends at the last step; the reverse direction ends at step 0.
        const top = trace![1]!;
        const lastCell = tf.slice(top.forward.cellState, [5, 0, 0], [1, 3, 5]);
        expect(maxDiff(lastCell, tf.slice(cN, [2, 0, 0], [1, 3, 5]))).toBe(0);
        const firstReverseH = tf.slice(top.reverse!.hidden, [0, 0, 0], [1, 3, 5]);
        expect(maxDiff(firstReverseH, tf.slice(hN, [3, 0, 0], [1, 3, 5]))).toBe(0);
        const outputForward = tf.slice(output, [0, 0, 0], [6, 3, 5]);
        expect(maxDiff(outputForward, top.forward.hidden)).toBe(0);
        const outputReverse = tf.slice(output, [0, 0, 5], [6, 3, 5]);
        expect(maxDiff(outputReverse, top.reverse!.hidden)).toBe(0);
      });
      tf.dispose([output, hN, cN]);
      tf.dispose(
        trace!.flatMap((l) => [...Object.values(l.forward), ...Object.values(l.reverse ?? {})]),
      );
    });
    tf.dispose([x, h0, c0]);
    lstm.dispose();
  });

  it('GRU: h_t = (1 - z_t) n_t + z_t h_{t-1} on the traced gates; all zero past each sequence’s end', async () => {
    const gru = new GRU({ inputSize: 7, hiddenSize: 5, batchFirst: true, seed: 4 });
    const x = randn([3, 6, 7]);
    const lengths = [6, 2, 4];
    await expectNoLeaks(() => {
      const { output, hN, trace } = gru.forward(x, { trace: true, lengths });
      const forward = trace![0]!.forward;
      tf.tidy(() => {
        expect(Object.keys(forward).sort()).toEqual(['hidden', 'new', 'reset', 'update']);
        // Time-major even with batchFirst.
        for (const value of Object.values(forward)) expect(value.shape).toEqual([6, 3, 5]);
        const inside = tf.tensor3d(
          Array.from({ length: 6 }, (_, t) => lengths.map((n) => [t < n ? 1 : 0])),
        ); // [T, B, 1]
        for (const value of Object.values(forward)) {
          expect(maxDiff(tf.mul(value, inside), value)).toBe(0);
        }
        const { update, new: candidate, hidden } = forward;
        const previous = tf.concat([tf.zeros([1, 3, 5]), tf.slice(hidden, 0, 5)], 0); // [T, B, H]
        const stepped = tf.add(tf.mul(tf.sub(1, update), candidate), tf.mul(update, previous));
        expect(maxDiff(tf.mul(stepped, inside), hidden)).toBeLessThan(1e-6);
        expect(maxDiff(tf.transpose(output, [1, 0, 2]), hidden)).toBe(0);
        const last = tf.concat(
          lengths.map((n, b) => tf.slice(hidden, [n - 1, b, 0], [1, 1, 5])),
          1,
        ); // [1, B, H]
        expect(maxDiff(last, hN)).toBe(0);
      });
      tf.dispose([output, hN, ...Object.values(forward)]);
    });
    tf.dispose(x);
    gru.dispose();
  });
});
