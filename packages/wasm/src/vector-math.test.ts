import { LSTM, RNN } from '@gated/cells';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/fixtures';
import { onWasm, run } from '../test/kernel-runs';
import { uninstallWasmKernels } from './install';

/*
 * The kernels' tanh and sigmoid (simd.h) against double precision, through layers built so that
 * an output is the function itself: an Elman RNN with W_ih = 1 and nothing else gives
 * h = tanh(x); an LSTM whose g and o gates are saturated (bias 20: tanh and sigmoid round to 1)
 * and c_0 = 0 gives c = sigmoid(x). One step, one unit, a row per point of [-12, 12].
 * Bound: 2.5e-7 relative, about two float ulps (measured: 1.3e-7 for tanh, 1.8e-7 for sigmoid).
 */

afterEach(() => uninstallWasmKernels());

const POINTS = 4001;
const RELATIVE = 2.5e-7;

const grid = () =>
  Array.from({ length: POINTS }, (_, i) => Math.fround(-12 + (24 * i) / (POINTS - 1)));

function worstRelative(got: Float32Array, want: (x: number) => number, xs: number[]): number {
  let worst = 0;
  xs.forEach((x, i) => {
    const exact = want(x);
    worst = Math.max(worst, Math.abs(got[i]! - exact) / (exact === 0 ? 1 : Math.abs(exact)));
  });
  return worst;
}

const weights = (dict: Record<string, number[][] | number[]>) =>
  Object.fromEntries(Object.entries(dict).map(([k, v]) => [k, tf.tensor(v)]));

describe.runIf(onWasm)("the kernels' vector math", () => {
  it(`tanh within ${RELATIVE} of double precision over [-12, 12]`, async () => {
    const xs = grid();
    const rnn = new RNN({ inputSize: 1, hiddenSize: 1 });
    const dict = weights({
      weight_ih_l0: [[1]],
      weight_hh_l0: [[0]],
      bias_ih_l0: [0],
      bias_hh_l0: [0],
    });
    rnn.loadStateDict(dict);
    const x = tf.tensor3d(xs, [1, POINTS, 1]) as Tensor3D;
    await expectNoLeaks(async () => {
      const { value, names } = await run(true, () =>
        tf.tidy(() => (rnn.forward(x).hN as Tensor).dataSync() as Float32Array),
      );
      expect(names).toContain('GatedRecurrenceForward');
      expect(worstRelative(value, Math.tanh, xs)).toBeLessThan(RELATIVE);
    });
    tf.dispose([x, ...Object.values(dict)]);
    rnn.dispose();
  });

  it(`sigmoid within ${RELATIVE} of double precision over [-12, 12]`, async () => {
    const xs = grid();
    const lstm = new LSTM({ inputSize: 1, hiddenSize: 1 });
    const dict = weights({
      weight_ih_l0: [[1], [0], [0], [0]], // i, f, g, o
      weight_hh_l0: [[0], [0], [0], [0]],
      bias_ih_l0: [0, 0, 20, 20],
      bias_hh_l0: [0, 0, 0, 0],
    });
    lstm.loadStateDict(dict);
    const x = tf.tensor3d(xs, [1, POINTS, 1]) as Tensor3D;
    await expectNoLeaks(async () => {
      const { value, names } = await run(true, () =>
        tf.tidy(() => (lstm.forward(x).cN as Tensor).dataSync() as Float32Array),
      );
      expect(names).toContain('GatedRecurrenceForward');
      expect(worstRelative(value, (v) => 1 / (1 + Math.exp(-v)), xs)).toBeLessThan(RELATIVE);
    });
    tf.dispose([x, ...Object.values(dict)]);
    lstm.dispose();
  });
});
