import { availableParallelism } from 'node:os';
import { GRU, LSTM, RNN } from '@gated/cells';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/fixtures';
import { forwardAndGradients, type Layer, onWasm, run } from '../test/kernel-runs';
import { uninstallWasmKernels } from './install';
import { dropThreadedSlots, keptSlotCount } from './threaded-recurrence';
import { parallelRunCount, setThreadLimits } from './wasm-threads';

afterEach(() => uninstallWasmKernels());

// The pool needs a second core; on one core the layers stay on one thread.
describe.runIf(onWasm && availableParallelism() >= 2)(
  'recurrent layers on two threads (Node)',
  () => {
    /** Runs `body` with the pool on (for any size) or off, with the kernels tfjs ran. */
    async function onThreads<T>(threads: boolean, body: () => T) {
      const previous = setThreadLimits({ work: 0 });
      const runs = parallelRunCount();
      try {
        const { value, names } = await run(true, body, threads ? 2 : 1);
        return { value, names, jobs: parallelRunCount() - runs };
      } finally {
        setThreadLimits(previous);
      }
    }
    const expectClose = (actual: Float32Array[], expected: Float32Array[], tolerance: number) => {
      expect(actual.length).toBe(expected.length);
      actual.forEach((values, k) => {
        const reference = expected[k]!;
        expect(values.length, `result ${k}`).toBe(reference.length);
        let worst = 0;
        for (let i = 0; i < values.length; i++)
          worst = Math.max(worst, Math.abs(values[i]! - reference[i]!));
        expect(worst, `result ${k}`).toBeLessThanOrEqual(tolerance);
      });
    };
    const layers: Array<{ name: string; kernel: string; make: () => Layer }> = [
      // The pool takes hidden sizes from 32 and batches from 4. H = 37 splits into 16 + 21 units:
      // a part whose width is not a multiple of 4 or 8.
      {
        name: 'LSTM, H = 37',
        kernel: 'GatedLstmSequence',
        make: () => new LSTM({ inputSize: 3, hiddenSize: 37, seed: 13 }),
      },
      {
        name: 'LSTM, 2 layers, bidirectional, no bias, batch first, H = 33',
        kernel: 'GatedLstmSequence',
        make: () =>
          new LSTM({
            inputSize: 4,
            hiddenSize: 33,
            numLayers: 2,
            bidirectional: true,
            bias: false,
            batchFirst: true,
            seed: 15,
          }),
      },
      {
        name: 'GRU, H = 37',
        kernel: 'GatedGruSequence',
        make: () => new GRU({ inputSize: 3, hiddenSize: 37, seed: 24 }),
      },
      {
        name: 'GRU, 2 layers, bidirectional, batch first, H = 33',
        kernel: 'GatedGruSequence',
        make: () =>
          new GRU({
            inputSize: 4,
            hiddenSize: 33,
            numLayers: 2,
            bidirectional: true,
            batchFirst: true,
            seed: 25,
          }),
      },
      {
        name: 'GRU, no bias, H = 32',
        kernel: 'GatedGruSequence',
        make: () => new GRU({ inputSize: 3, hiddenSize: 32, bias: false, seed: 26 }),
      },
      {
        name: 'RNN tanh, H = 37',
        kernel: 'GatedRnnSequence',
        make: () => new RNN({ inputSize: 3, hiddenSize: 37, seed: 29 }),
      },
      {
        name: 'RNN relu, 2 layers, bidirectional, batch first, H = 33',
        kernel: 'GatedRnnSequence',
        make: () =>
          new RNN({
            inputSize: 4,
            hiddenSize: 33,
            numLayers: 2,
            bidirectional: true,
            nonlinearity: 'relu',
            batchFirst: true,
            seed: 30,
          }),
      },
    ];
    // Batch 5 splits the recurrence by units (a barrier per step), batch 9 by rows (4 + 5: a
    // part whose rows are not a multiple of 4), forward and back; the forward must give one
    // thread's bits in both.
    const cases = [
      { batch: 5, lengths: undefined },
      { batch: 5, lengths: [7, 3, 1, 7, 5] },
      { batch: 9, lengths: undefined },
      { batch: 9, lengths: [7, 3, 1, 7, 5, 2, 7, 4, 6] },
    ];
    for (const { name, kernel, make } of layers) {
      for (const { batch, lengths } of cases) {
        it(`${name}, batch ${batch}${lengths ? ', with lengths' : ''}: forward, dx and every parameter gradient as one thread, within 2e-6`, async () => {
          const layer = make();
          const shape: [number, number, number] = layer.batchFirst ? [batch, 7, 4] : [7, batch, 3];
          const x = tf.randomNormal(shape, 0, 1, 'float32', 14) as Tensor3D;
          await expectNoLeaks(async () => {
            const threaded = await onThreads(true, () => forwardAndGradients(layer, x, lengths));
            const single = await onThreads(false, () => forwardAndGradients(layer, x, lengths));
            expect(threaded.names).toContain(kernel);
            expect(threaded.names).toContain('GatedSequenceGrad');
            expect(threaded.names).not.toContain('GatedRecurrenceForward');
            expect(single.jobs).toBe(0);
            expect(threaded.jobs).toBeGreaterThan(0);
            expectClose(threaded.value, single.value, 2e-6);
            const forwards = layer instanceof LSTM ? 3 : 2; // output, h_n (and c_n)
            expectClose(threaded.value.slice(0, forwards), single.value.slice(0, forwards), 0);
          });
          x.dispose();
          layer.dispose();
        });
      }
    }

    it('computes no gradient nobody asks for: no dx for a constant input, no weight gradients for dx alone', async () => {
      const layer = new LSTM({ inputSize: 3, hiddenSize: 32, seed: 16 });
      const x = tf.randomNormal([6, 4, 3], 0, 1, 'float32', 17) as Tensor3D;
      const loss = (input: Tensor) => tf.sum(tf.square(layer.forward(input as Tensor3D).hN));
      await expectNoLeaks(async () => {
        const weightsOnly = await onThreads(true, () =>
          tf.tidy(() => {
            tf.variableGrads(() => loss(x) as tf.Scalar, layer.parameters() as tf.Variable[]);
          }),
        );
        expect(weightsOnly.jobs).toBe(3); // forward, backward, weight gradients
        const inputOnly = await onThreads(true, () => tf.tidy(() => void tf.grad(loss)(x)));
        expect(inputOnly.jobs).toBe(3); // forward, backward, dx
      });
      x.dispose();
      layer.dispose();
    });

    for (const kind of ['LSTM', 'GRU', 'RNN'] as const) {
      it(`${kind}: gradients of the initial state as one thread, within 2e-6`, async () => {
        const options = { inputSize: 3, hiddenSize: 34, seed: 20 };
        const layer =
          kind === 'LSTM'
            ? new LSTM(options)
            : kind === 'GRU'
              ? new GRU(options)
              : new RNN(options);
        const x = tf.randomNormal([6, 4, 3], 0, 1, 'float32', 21) as Tensor3D;
        const h0 = tf.randomNormal([1, 4, 34], 0, 1, 'float32', 22) as Tensor3D;
        const c0 = tf.randomNormal([1, 4, 34], 0, 1, 'float32', 23) as Tensor3D;
        const loss = (h: Tensor, c?: Tensor) => {
          const r = layer.forward(x, { h0: h as Tensor3D, ...(c ? { c0: c as Tensor3D } : {}) });
          const last = ('cN' in r ? r.cN : r.hN) as Tensor;
          return tf.add(tf.sum(tf.square(r.output)), tf.sum(last));
        };
        const gradients = () =>
          tf.tidy(() =>
            (kind === 'LSTM'
              ? tf.grads(loss)([h0, c0])
              : tf.grads((h: Tensor) => loss(h))([h0])
            ).map((g) => g.dataSync() as Float32Array),
          );
        await expectNoLeaks(async () => {
          const threaded = await onThreads(true, gradients);
          const single = await onThreads(false, gradients);
          expect(threaded.jobs).toBe(2); // forward, backward: no weight gradients, no dx
          expectClose(threaded.value, single.value, 2e-6);
        });
        tf.dispose([x, h0, c0]);
        layer.dispose();
      });
    }

    it('releases a forward whose gradient computation ended without its backward', async () => {
      const layer = new LSTM({ inputSize: 3, hiddenSize: 32, seed: 27 });
      const x = tf.randomNormal([5, 4, 3], 0, 1, 'float32', 28) as Tensor3D;
      const step = () =>
        tf.tidy(() => {
          tf.variableGrads(() => {
            layer.forward(x); // a second forward that does not feed the loss: no backward comes
            return tf.sum(layer.forward(x).hN) as tf.Scalar;
          }, layer.parameters() as tf.Variable[]);
        });
      await expectNoLeaks(async () => {
        await onThreads(true, () => {
          step();
          expect(keptSlotCount()).toBe(2); // the one backward ran for, and the orphan
          step();
          step();
          expect(keptSlotCount()).toBe(2); // the earlier steps' forwards are gone
        });
      });
      x.dispose();
      layer.dispose();
    });

    it('recomputes the forward when its kept state is gone: the same gradients', async () => {
      const layer = new LSTM({ inputSize: 3, hiddenSize: 35, seed: 18 });
      const x = tf.randomNormal([5, 4, 3], 0, 1, 'float32', 19) as Tensor3D;
      const gradients = (drop: boolean) =>
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => {
            const { output } = layer.forward(x);
            if (drop) dropThreadedSlots();
            return tf.sum(tf.mul(output, output)) as tf.Scalar;
          }, layer.parameters() as tf.Variable[]);
          return Object.values(grads).map((g) => g.dataSync() as Float32Array);
        });
      await expectNoLeaks(async () => {
        const kept = await onThreads(true, () => gradients(false));
        const recomputed = await onThreads(true, () => gradients(true));
        expect(recomputed.jobs).toBe(kept.jobs + 1); // the forward once more
        expectClose(recomputed.value, kept.value, 0);
      });
      x.dispose();
      layer.dispose();
    });
  },
);
