import { availableParallelism } from 'node:os';
import { GRU, LSTM, RNN } from '@gated/cells';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/fixtures';
import { forwardAndGradients, type Layer, onWasm, run } from '../test/kernel-runs';
import { uninstallWasmKernels, wasmKernelsStatus } from './install';
import { parallelRunCount, setNodePoolPartsForTests, setThreadLimits } from './wasm-threads';

/*
 * The pool on four parts, as a page with four cores or more runs it (Web Workers): the same
 * module and protocol, here on Node workers, so the split of every job into more than two shares
 * (unit widths 8, 8, 8 and 13 at H = 37) is checked on any machine with two cores.
 */
afterAll(() => uninstallWasmKernels());

describe.runIf(onWasm && availableParallelism() >= 2)('the pool on four parts', () => {
  setNodePoolPartsForTests(4);
  const layers: Array<[string, () => Layer]> = [
    ['LSTM, H = 37', () => new LSTM({ inputSize: 3, hiddenSize: 37, seed: 41 })],
    [
      'GRU, 2 layers, bidirectional, H = 33',
      () => new GRU({ inputSize: 4, hiddenSize: 33, numLayers: 2, bidirectional: true, seed: 42 }),
    ],
    [
      'RNN relu, H = 37',
      () => new RNN({ inputSize: 3, hiddenSize: 37, nonlinearity: 'relu', seed: 43 }),
    ],
  ];
  for (const [name, make] of layers) {
    for (const lengths of [undefined, [7, 3, 1, 7, 5]]) {
      it(`${name}, batch 5${lengths ? ', with lengths' : ''}: forward, dx and every gradient as one thread, within 2e-6`, async () => {
        const layer = make();
        const x = tf.randomNormal([7, 5, layer.inputSize], 0, 1, 'float32', 44) as Tensor3D;
        const previous = setThreadLimits({ work: 0 });
        try {
          await expectNoLeaks(async () => {
            const jobs = parallelRunCount();
            const four = await run(true, () => forwardAndGradients(layer, x, lengths), 4);
            expect(wasmKernelsStatus().threads).toBe(4);
            expect(parallelRunCount() - jobs).toBeGreaterThan(0);
            const one = await run(true, () => forwardAndGradients(layer, x, lengths), 1);
            expect(four.value.length).toBe(one.value.length);
            four.value.forEach((values, k) => {
              let worst = 0;
              for (let i = 0; i < values.length; i++)
                worst = Math.max(worst, Math.abs(values[i]! - one.value[k]![i]!));
              expect(worst, `result ${k}`).toBeLessThanOrEqual(2e-6);
            });
          });
        } finally {
          setThreadLimits(previous);
        }
        x.dispose();
        layer.dispose();
      });
    }
  }

  it('runs a job on fewer parts than the pool has: installed with 3 of 4', async () => {
    const layer = new LSTM({ inputSize: 3, hiddenSize: 36, seed: 45 });
    const x = tf.randomNormal([6, 8, 3], 0, 1, 'float32', 46) as Tensor3D;
    const previous = setThreadLimits({ work: 0 });
    try {
      const three = await run(true, () => forwardAndGradients(layer, x), 3);
      expect(wasmKernelsStatus().threads).toBe(3);
      const one = await run(true, () => forwardAndGradients(layer, x), 1);
      three.value.forEach((values, k) => {
        for (let i = 0; i < values.length; i += 7)
          expect(Math.abs(values[i]! - one.value[k]![i]!)).toBeLessThanOrEqual(2e-6);
      });
    } finally {
      setThreadLimits(previous);
    }
    x.dispose();
    layer.dispose();
  });
});
