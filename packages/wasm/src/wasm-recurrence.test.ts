import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { GRU, LSTM, RNN } from '@gated/cells';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/fixtures';
import { forwardAndGradients, type Layer, onWasm, run } from '../test/kernel-runs';
import { uninstallWasmKernels } from './install';
import { RECURRENCE_SOURCE_SHA256 } from './recurrence-wasm.generated';

afterEach(() => uninstallWasmKernels());

const cases: Array<{ name: string; make: () => Layer }> = [
  { name: 'LSTM', make: () => new LSTM({ inputSize: 3, hiddenSize: 5, seed: 7 }) },
  {
    name: 'LSTM, 2 layers, bidirectional, H = 9',
    make: () =>
      new LSTM({ inputSize: 4, hiddenSize: 9, numLayers: 2, bidirectional: true, seed: 8 }),
  },
  // 4H = 40: four panels in one group and a full fifth one after it.
  { name: 'LSTM, H = 10', make: () => new LSTM({ inputSize: 3, hiddenSize: 10, seed: 13 }) },
  { name: 'GRU', make: () => new GRU({ inputSize: 3, hiddenSize: 5, seed: 9 }) },
  {
    name: 'GRU, H = 12, batch first',
    make: () => new GRU({ inputSize: 2, hiddenSize: 12, batchFirst: true, seed: 10 }),
  },
  { name: 'RNN tanh', make: () => new RNN({ inputSize: 3, hiddenSize: 7, seed: 11 }) },
  {
    name: 'RNN relu',
    make: () => new RNN({ inputSize: 3, hiddenSize: 6, nonlinearity: 'relu', seed: 12 }),
  },
];

describe.runIf(onWasm)('the wasm sequence kernels', () => {
  for (const { name, make } of cases) {
    // Over 5 steps, batch 3 reads W_hh row by row in the kernel and batch 6 packs it into
    // panels; over 9 steps (PACK_STEPS or more) batches of 1 and 2 pack it too.
    const runs: Array<{ steps: number; batch: number; lengths?: number[] }> = [
      { steps: 5, batch: 3 },
      { steps: 5, batch: 3, lengths: [5, 2, 1] },
      { steps: 5, batch: 6, lengths: [5, 2, 1, 4, 5, 3] },
      { steps: 9, batch: 1 },
      { steps: 9, batch: 2, lengths: [9, 4] },
    ];
    for (const { steps, batch, lengths } of runs) {
      it(`${name}, ${steps} steps, batch ${batch}${lengths ? `, lengths ${lengths.join(' ')}` : ''}: forward and every gradient as the op-by-op path, within 2e-6`, async () => {
        const layer = make();
        const shape: [number, number, number] = layer.batchFirst
          ? [batch, steps, layer.inputSize]
          : [steps, batch, layer.inputSize];
        const x = tf.randomNormal(shape, 0, 1, 'float32', 3) as Tensor3D;
        await expectNoLeaks(async () => {
          const fast = await run(true, () => forwardAndGradients(layer, x, lengths));
          const slow = await run(false, () => forwardAndGradients(layer, x, lengths));
          expect(fast.names).toContain('GatedRecurrenceForward');
          expect(fast.names).toContain('GatedRecurrenceBackward');
          expect(slow.names).not.toContain('GatedRecurrenceForward');
          expect(fast.value.length).toBe(slow.value.length);
          fast.value.forEach((values, k) => {
            const reference = slow.value[k]!;
            expect(values.length).toBe(reference.length);
            let worst = 0;
            for (let i = 0; i < values.length; i++)
              worst = Math.max(worst, Math.abs(values[i]! - reference[i]!));
            expect(worst, `result ${k}`).toBeLessThan(2e-6);
          });
        });
        x.dispose();
        layer.dispose();
      });
    }
  }

  it('inference keeps nothing for a backward pass and leaks nothing', async () => {
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 5, seed: 1 });
    const x = tf.randomNormal([4, 2, 3], 0, 1, 'float32', 2) as Tensor3D;
    await expectNoLeaks(() => {
      const { output, hN, cN } = lstm.forward(x);
      expect(output.shape).toEqual([4, 2, 5]);
      tf.dispose([output, hN, cN]);
    });
    x.dispose();
    lstm.dispose();
  });
});

describe('the generated module', () => {
  it('was built from the committed C sources (run scripts/build-wasm.sh after editing them)', () => {
    const dir = new URL('../wasm/', import.meta.url);
    const names = readdirSync(dir)
      .filter((n) => /\.[ch]$/.test(n))
      .sort();
    expect(names).toEqual([
      'attention.c',
      'decode.c',
      'gather.c',
      'gemm.c',
      'gru.c',
      'lstm.c',
      'matmul.c',
      'pool-decode.c',
      'pool-gradients.c',
      'pool-gru.c',
      'pool-lstm.c',
      'pool-rnn.c',
      'pool.c',
      'recurrence.c',
      'rnn.c',
      'simd.h',
    ]);
    const hash = createHash('sha256');
    for (const name of names) hash.update(readFileSync(new URL(name, dir)));
    expect(hash.digest('hex')).toBe(RECURRENCE_SOURCE_SHA256);
  });
});
