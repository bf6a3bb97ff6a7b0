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

type OneUnitLayer = RNN | LSTM;

/**
 * The worst relative error of `want` over the grid, where the kernel's value for point i is
 * row i of `pick(layer.forward(x))` for a one-unit layer given `state` (PyTorch names): one
 * step, the points as the batch. Checks that our kernel ran and that nothing leaked.
 */
async function worstOnKernel(
  layer: OneUnitLayer,
  state: Record<string, number[][] | number[]>,
  pick: (result: { hN: Tensor; cN?: Tensor }) => Tensor,
  want: (x: number) => number,
): Promise<number> {
  const xs = grid();
  const dict = Object.fromEntries(Object.entries(state).map(([k, v]) => [k, tf.tensor(v)]));
  layer.loadStateDict(dict);
  const x = tf.tensor3d(xs, [1, POINTS, 1]) as Tensor3D;
  let worst = Number.NaN;
  await expectNoLeaks(async () => {
    const { value, names } = await run(true, () =>
      tf.tidy(
        () => pick(layer.forward(x) as { hN: Tensor; cN?: Tensor }).dataSync() as Float32Array,
      ),
    );
    expect(names).toContain('GatedRecurrenceForward');
    worst = worstRelative(value, want, xs);
  });
  tf.dispose([x, ...Object.values(dict)]);
  layer.dispose();
  return worst;
}

describe.runIf(onWasm)("the kernels' vector math", () => {
  it(`tanh within ${RELATIVE} of double precision over [-12, 12]`, async () => {
    const state = { weight_ih_l0: [[1]], weight_hh_l0: [[0]], bias_ih_l0: [0], bias_hh_l0: [0] };
    const rnn = new RNN({ inputSize: 1, hiddenSize: 1 });
    expect(await worstOnKernel(rnn, state, (r) => r.hN, Math.tanh)).toBeLessThan(RELATIVE);
  });

  it(`sigmoid within ${RELATIVE} of double precision over [-12, 12]`, async () => {
    const state = {
      weight_ih_l0: [[1], [0], [0], [0]], // i, f, g, o
      weight_hh_l0: [[0], [0], [0], [0]],
      bias_ih_l0: [0, 0, 20, 20],
      bias_hh_l0: [0, 0, 0, 0],
    };
    const lstm = new LSTM({ inputSize: 1, hiddenSize: 1 });
    const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
    expect(await worstOnKernel(lstm, state, (r) => r.cN!, sigmoid)).toBeLessThan(RELATIVE);
  });
});
