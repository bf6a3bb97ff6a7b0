import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/fixtures';
import { sliceFlat } from './flat-slice';
import { GRU } from './gru';
import { LSTM } from './lstm';
import { RECURRENCE_SOURCE_SHA256 } from './recurrence-wasm.generated';
import { RNN } from './rnn';
import { dropThreadedSlots, keptSlotCount } from './threaded-recurrence';
import { columnSums, product } from './wasm-matmul';
import { parallelRunCount, setThreadsMinimumWork } from './wasm-threads';

const FLAG = 'GATED_WASM_KERNELS';
const onWasm = tf.getBackend() === 'wasm';
const maxDiff = (a: Tensor, b: Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

afterEach(() => tf.env().set(FLAG, true));

/** Runs `body` with our wasm kernels on or off, and the kernel names tfjs ran. */
async function run<T>(kernels: boolean, body: () => T): Promise<{ value: T; names: string[] }> {
  tf.env().set(FLAG, kernels);
  let value: T | undefined;
  const profile = await tf.profile(() => {
    value = body();
    return [] as unknown as tf.TensorContainer;
  });
  return { value: value as T, names: profile.kernelNames };
}

type Layer = LSTM | GRU | RNN;

/** Outputs, final states and the gradients of every parameter and of x, as arrays. */
function forwardAndGradients(layer: Layer, x: Tensor3D, lengths?: number[]): Float32Array[] {
  return tf.tidy(() => {
    const parameters = layer.parameters();
    const loss = () => {
      const result = layer.forward(x, lengths ? { lengths } : {}) as {
        output: Tensor;
        hN: Tensor;
        cN?: Tensor;
      };
      // Weights on every output element so that each gradient path is exercised.
      const weights = tf.linspace(-1, 1, result.output.size).reshape(result.output.shape);
      let total = tf.add(tf.sum(tf.mul(result.output, weights)), tf.sum(tf.square(result.hN)));
      if (result.cN) total = tf.add(total, tf.sum(tf.mul(result.cN, 0.5)));
      return total as tf.Scalar;
    };
    const { grads } = tf.variableGrads(loss, parameters as tf.Variable[]);
    const dx = tf.grad((input: Tensor) => {
      const r = layer.forward(input as Tensor3D, lengths ? { lengths } : {});
      return tf.sum(tf.square(r.output));
    })(x);
    const result = layer.forward(x, lengths ? { lengths } : {}) as {
      output: Tensor;
      hN: Tensor;
      cN?: Tensor;
    };
    return [
      result.output,
      result.hN,
      ...(result.cN ? [result.cN] : []),
      dx,
      ...Object.values(grads),
    ].map((t) => t.dataSync() as Float32Array);
  });
}

const cases: Array<{ name: string; make: () => Layer }> = [
  { name: 'LSTM', make: () => new LSTM({ inputSize: 3, hiddenSize: 5, seed: 7 }) },
  {
    name: 'LSTM, 2 layers, bidirectional, H = 9',
    make: () =>
      new LSTM({ inputSize: 4, hiddenSize: 9, numLayers: 2, bidirectional: true, seed: 8 }),
  },
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
    // Batch 3 reads W_hh row by row in the kernel, batch 6 packs it into panels.
    for (const lengths of [undefined, [5, 2, 1], [5, 2, 1, 4, 5, 3]]) {
      const batch = lengths?.length ?? 3;
      it(`${name}, batch ${batch}${lengths ? `, lengths ${lengths.join(' ')}` : ''}: forward and every gradient as the op-by-op path, within 2e-6`, async () => {
        const layer = make();
        const shape: [number, number, number] = layer.batchFirst
          ? [batch, 5, layer.inputSize]
          : [5, batch, layer.inputSize];
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

// The pool needs a second core; on one core the layers stay on one thread.
describe.runIf(onWasm && availableParallelism() >= 2)(
  'recurrent layers on two threads (Node)',
  () => {
    const THREADS = 'GATED_WASM_THREADS';
    /** Runs `body` with the pool on (for any size) or off, with the kernels tfjs ran. */
    async function onThreads<T>(threads: boolean, body: () => T) {
      const previous = setThreadsMinimumWork(0);
      tf.env().set(THREADS, threads);
      const runs = parallelRunCount();
      try {
        const { value, names } = await run(true, body);
        return { value, names, jobs: parallelRunCount() - runs };
      } finally {
        setThreadsMinimumWork(previous);
        tf.env().set(THREADS, true);
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
    for (const { name, kernel, make } of layers) {
      for (const lengths of [undefined, [7, 3, 1, 7, 5]]) {
        it(`${name}, batch 5${lengths ? ', with lengths' : ''}: forward, dx and every parameter gradient as one thread, within 2e-6`, async () => {
          const layer = make();
          const shape: [number, number, number] = layer.batchFirst ? [5, 7, 4] : [7, 5, 3];
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

describe.runIf(onWasm)('product on the wasm kernel', () => {
  it('agrees with tf.matMul on odd shapes, with a transposed operand and a bias', async () => {
    const a = tf.randomNormal([7, 13], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal([13, 11], 0, 1, 'float32', 2) as tf.Tensor2D;
    const w = tf.randomNormal([11, 13], 0, 1, 'float32', 3) as tf.Tensor2D;
    const bias = tf.randomNormal([11], 0, 1, 'float32', 4);
    await expectNoLeaks(async () => {
      const plain = await run(true, () => product(a, b));
      expect(plain.names).toEqual(['GatedMatMul']);
      const reference = tf.matMul(a, b);
      expect(maxDiff(plain.value, reference)).toBeLessThan(1e-5);
      const withBias = product(a, w, { bTransposed: true, bias });
      const expected = tf.tidy(() => tf.add(tf.matMul(a, w, false, true), bias));
      expect(maxDiff(withBias, expected)).toBeLessThan(1e-5);
      tf.dispose([plain.value, reference, withBias, expected]);
    });
    tf.dispose([a, b, w, bias]);
  });

  it('reads a transposed left operand in place: Σ_t dz_tᵀ x_t', async () => {
    const dz = tf.randomNormal([9, 6], 0, 1, 'float32', 5) as tf.Tensor2D; // [K, M]
    const x = tf.randomNormal([9, 11], 0, 1, 'float32', 6) as tf.Tensor2D; // [K, N]
    await expectNoLeaks(() => {
      const ours = product(dz, x, { aTransposed: true });
      const expected = tf.matMul(dz, x, true, false);
      expect(ours.shape).toEqual([6, 11]);
      expect(maxDiff(ours, expected)).toBeLessThan(1e-5);
      tf.dispose([ours, expected]);
    });
    tf.dispose([dz, x]);
  });

  it('sums columns as tf.sum over rows does, odd widths included', async () => {
    const x = tf.randomNormal([13, 7], 0, 1, 'float32', 7) as tf.Tensor2D;
    await expectNoLeaks(async () => {
      const ours = await run(true, () => columnSums(x));
      expect(ours.names).toEqual(['GatedColumnSums']);
      const expected = tf.sum(x, 0);
      expect(maxDiff(ours.value, expected)).toBeLessThan(1e-5);
      tf.dispose([ours.value, expected]);
    });
    x.dispose();
  });

  it('slices a flat tensor, and its gradient pads back', async () => {
    const x = tf.range(0, 10, 1, 'float32');
    await expectNoLeaks(async () => {
      const taken = await run(true, () => sliceFlat(x, 3, 4));
      expect(taken.names).toContain('GatedFlatSlice'); // inside the custom-gradient scope
      expect(Array.from(taken.value.dataSync())).toEqual([3, 4, 5, 6]);
      const gradient = tf.grad((t: Tensor) => tf.sum(tf.mul(sliceFlat(t, 3, 4), 2)))(x);
      expect(Array.from(gradient.dataSync())).toEqual([0, 0, 0, 2, 2, 2, 2, 0, 0, 0]);
      tf.dispose([taken.value, gradient]);
    });
    x.dispose();
  });
});

describe('the generated module', () => {
  it('was built from the committed C source (run scripts/build-wasm.sh after editing it)', () => {
    const source = readFileSync(new URL('../wasm/recurrence.c', import.meta.url));
    expect(createHash('sha256').update(source).digest('hex')).toBe(RECURRENCE_SOURCE_SHA256);
  });
});
