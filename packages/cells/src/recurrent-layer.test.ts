import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, readFixture } from '../test/fixtures';
import { GRU } from './gru';
import { LSTM } from './lstm';
import { RNN } from './rnn';

const randn = (shape: [number, number, number], seed = 42) =>
  tf.randomNormal(shape, 0, 1, 'float32', seed) as Tensor3D;
const maxDiff = (a: Tensor, b: Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe("the seed's examples", () => {
  it('LSTM(16→32, batchFirst) on [4, 10, 16] gives output [4, 10, 32], hN and cN [1, 4, 32]', () => {
    const lstm = new LSTM({ inputSize: 16, hiddenSize: 32, batchFirst: true, seed: 42 });
    const x = randn([4, 10, 16]);
    const { output, hN, cN } = lstm.forward(x);
    expect([output.shape, hN.shape, cN.shape]).toEqual([
      [4, 10, 32],
      [1, 4, 32],
      [1, 4, 32],
    ]);
    // batchFirst: the last step's output is hN.
    const lastStep = tf.squeeze(tf.slice(output, [0, 9, 0], [4, 1, 32]), [1]);
    expect(maxDiff(lastStep, tf.squeeze(hN, [0]))).toBe(0);
    tf.dispose([x, output, hN, cN, lastStep]);
    expect(lstm.numParameters()).toBe(6400);
    expect(new GRU({ inputSize: 16, hiddenSize: 32 }).numParameters()).toBe(4800);
    lstm.dispose();
  });

  it('parameter counts follow the general formulas', () => {
    // gates · H · (in + H + 2) for layer 0; deeper layers read D · Hout features.
    expect(new RNN({ inputSize: 16, hiddenSize: 32 }).numParameters()).toBe(32 * (16 + 32 + 2));
    expect(
      new GRU({ inputSize: 7, hiddenSize: 5, numLayers: 2, bidirectional: true }).numParameters(),
    ).toBe(2 * 3 * 5 * (7 + 5 + 2) + 2 * 3 * 5 * (10 + 5 + 2));
    expect(
      new LSTM({ inputSize: 7, hiddenSize: 5, projSize: 3, bias: false }).numParameters(),
    ).toBe(4 * 5 * (7 + 3) + 3 * 5);
  });
});

describe('parameters', () => {
  it("have PyTorch's names, order and shapes", () => {
    const { cases } = readFixture<{
      cases: Array<{ name: string; stateDict: Record<string, { shape: number[] }> }>;
    }>('torch-layers.json');
    const torch = cases.find(
      (c) => c.name === 'kind=LSTM-projSize=3-numLayers=2-bidirectional=True-initialState=True',
    )!;
    const lstm = new LSTM({
      inputSize: 7,
      hiddenSize: 5,
      projSize: 3,
      numLayers: 2,
      bidirectional: true,
    });
    const ours = lstm.namedParameters().map(([name, p]) => [name, p.shape]);
    expect(ours).toEqual(Object.entries(torch.stateDict).map(([name, t]) => [name, t.shape]));
    lstm.dispose();
  });

  it('are drawn from U(-1/√H, 1/√H), repeatably from a seed', () => {
    const values = (seed: number) => {
      const gru = new GRU({ inputSize: 7, hiddenSize: 5, seed });
      const flat = gru.parameters().flatMap((p) => [...p.dataSync()]);
      gru.dispose();
      return flat;
    };
    const a = values(42);
    expect(values(42)).toEqual(a);
    expect(values(43)).not.toEqual(a);
    const bound = 1 / Math.sqrt(5);
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(0.9 * bound); // the whole range is used
  });
});

describe('streaming', () => {
  it.each([
    ['LSTM', () => new LSTM({ inputSize: 7, hiddenSize: 5, numLayers: 2, seed: 3 })],
    [
      'LSTM proj, batchFirst',
      () => new LSTM({ inputSize: 7, hiddenSize: 5, projSize: 3, batchFirst: true, seed: 3 }),
    ],
    ['GRU', () => new GRU({ inputSize: 7, hiddenSize: 5, numLayers: 3, seed: 3 })],
    ['RNN relu', () => new RNN({ inputSize: 7, hiddenSize: 5, nonlinearity: 'relu', seed: 3 })],
  ])('%s: chunks carrying hN/cN give the whole sequence’s outputs', async (_name, make) => {
    const layer = make();
    const timeAxis = layer.batchFirst ? 1 : 0;
    const x = randn(layer.batchFirst ? [3, 11, 7] : [11, 3, 7]);
    await expectNoLeaks(() => {
      const whole = layer.forward(x) as { output: Tensor3D; hN: Tensor3D; cN?: Tensor3D };
      const chunks = tf.split(x, [4, 1, 6], timeAxis) as Tensor3D[];
      let state: { h0?: Tensor3D; c0?: Tensor3D } = {};
      const outputs: Tensor[] = [];
      for (const chunk of chunks) {
        const part = layer.forward(chunk, state) as {
          output: Tensor3D;
          hN: Tensor3D;
          cN?: Tensor3D;
        };
        tf.dispose([state.h0, state.c0].filter((t): t is Tensor3D => t !== undefined));
        state = { h0: part.hN, c0: part.cN };
        outputs.push(part.output);
      }
      const streamed = tf.concat(outputs, timeAxis);
      expect(maxDiff(streamed, whole.output)).toBeLessThan(1e-6);
      expect(maxDiff(state.h0!, whole.hN)).toBeLessThan(1e-6);
      expect(whole.cN !== undefined, 'cN exactly for an LSTM').toBe(layer instanceof LSTM);
      expect(state.c0 !== undefined, 'the carried cN exactly for an LSTM').toBe(
        layer instanceof LSTM,
      );
      if (whole.cN) expect(maxDiff(state.c0!, whole.cN)).toBeLessThan(1e-6);
      tf.dispose(
        [
          ...chunks,
          ...outputs,
          streamed,
          whole.output,
          whole.hN,
          whole.cN,
          state.h0,
          state.c0,
        ].filter(Boolean) as Tensor[],
      );
    });
    tf.dispose(x);
    layer.dispose();
  });
});

describe('lengths (packed sequences)', () => {
  it('each sequence gets what it would get alone, in both directions; padding outputs zero', async () => {
    const lstm = new LSTM({
      inputSize: 7,
      hiddenSize: 5,
      bidirectional: true,
      numLayers: 2,
      seed: 9,
    });
    const lengths = [5, 2, 7];
    const x = randn([7, 3, 7]);
    await expectNoLeaks(() => {
      const packed = lstm.forward(x, { lengths });
      lengths.forEach((length, b) => {
        tf.tidy(() => {
          const alone = lstm.forward(tf.slice(x, [0, b, 0], [length, 1, 7]));
          const mine = tf.slice(packed.output, [0, b, 0], [length, 1, 10]);
          expect(maxDiff(mine, alone.output)).toBeLessThan(1e-5);
          expect(maxDiff(tf.slice(packed.hN, [0, b, 0], [4, 1, 5]), alone.hN)).toBeLessThan(1e-5);
          expect(maxDiff(tf.slice(packed.cN, [0, b, 0], [4, 1, 5]), alone.cN)).toBeLessThan(1e-5);
          if (length < 7) {
            const padding = tf.slice(packed.output, [length, b, 0], [7 - length, 1, 10]);
            expect(tf.max(tf.abs(padding)).dataSync()[0]).toBe(0);
          }
        });
      });
      tf.dispose([packed.output, packed.hN, packed.cN]);
    });
    tf.dispose(x);
    lstm.dispose();
  });

  it('accepts an int32 tensor, and equal full lengths change nothing', () => {
    const gru = new GRU({ inputSize: 7, hiddenSize: 5, bidirectional: true, seed: 2 });
    const x = randn([4, 3, 7]);
    const lengths = tf.tensor1d([4, 4, 4], 'int32');
    const plain = gru.forward(x);
    const packed = gru.forward(x, { lengths });
    expect(maxDiff(plain.output, packed.output)).toBeLessThan(1e-6);
    expect(maxDiff(plain.hN, packed.hN)).toBeLessThan(1e-6);
    tf.dispose([x, lengths, plain.output, plain.hN, packed.output, packed.hN]);
    gru.dispose();
  });
});

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

describe('dropout between layers', () => {
  it('acts in training mode only, repeatably from the seed, and never after the last layer', () => {
    const make = () =>
      new GRU({ inputSize: 7, hiddenSize: 5, numLayers: 2, dropout: 0.5, seed: 5 });
    const [a, b] = [make(), make()];
    const x = randn([4, 3, 7]);
    const trainA = a.forward(x);
    const trainB = b.forward(x);
    expect(maxDiff(trainA.output, trainB.output)).toBe(0); // same seed, same masks
    a.eval();
    const evalA = a.forward(x);
    const evalAgain = a.forward(x);
    expect(maxDiff(evalA.output, evalAgain.output)).toBe(0);
    expect(maxDiff(trainA.output, evalA.output)).toBeGreaterThan(1e-3);
    const single = new LSTM({ inputSize: 7, hiddenSize: 5, dropout: 0.5, seed: 5 });
    const s1 = single.forward(x);
    const s2 = single.eval().forward(x);
    expect(maxDiff(s1.output, s2.output)).toBe(0);
    tf.dispose([x, trainA.output, trainA.hN, trainB.output, trainB.hN, evalA.output, evalA.hN]);
    tf.dispose([evalAgain.output, evalAgain.hN, s1.output, s1.hN, s1.cN, s2.output, s2.hN, s2.cN]);
    for (const m of [a, b, single]) m.dispose();
  });
});

describe('memory', () => {
  it('forward, backward and loadStateDict leave the tensor count unchanged', async () => {
    const lstm = new LSTM({
      inputSize: 7,
      hiddenSize: 5,
      numLayers: 2,
      bidirectional: true,
      projSize: 3,
      seed: 1,
    });
    const x = randn([5, 3, 7]);
    await expectNoLeaks(() => {
      for (let i = 0; i < 3; i++) {
        const { value, grads } = tf.variableGrads(() => {
          const { output, cN } = lstm.forward(x, { lengths: [5, 3, 1] });
          return tf.add(tf.sum(output), tf.sum(cN)) as tf.Scalar;
        });
        tf.dispose([value, ...Object.values(grads)]);
      }
      const dict = lstm.stateDict();
      lstm.loadStateDict(dict);
      tf.dispose(Object.values(dict));
    });
    tf.dispose(x);
    const before = tf.memory().numTensors;
    lstm.dispose();
    expect(tf.memory().numTensors).toBe(before - 20);
  });
});

describe('bad input is refused at the boundary', () => {
  const lstm = new LSTM({ inputSize: 7, hiddenSize: 5, numLayers: 2, batchFirst: true, seed: 1 });
  const gru = new GRU({ inputSize: 7, hiddenSize: 5, bidirectional: true, seed: 1 });
  const cases: Array<[string, () => unknown, string]> = [
    [
      'wrong feature size',
      () => lstm.forward(tf.zeros([4, 10, 8]) as Tensor3D),
      'LSTM.forward: x must be [batch, seq, 7] (batchFirst), got [4, 10, 8]',
    ],
    [
      'wrong rank',
      () => gru.forward(tf.zeros([10, 7]) as never),
      'GRU.forward: x must be [seq, batch, 7] (seq-first), got [10, 7]',
    ],
    [
      'int32 input',
      () => gru.forward(tf.zeros([2, 3, 7], 'int32') as Tensor3D),
      'GRU.forward: x must be float32, got int32',
    ],
    [
      'h0 of a unidirectional shape',
      () => gru.forward(tf.zeros([2, 3, 7]) as Tensor3D, { h0: tf.zeros([1, 3, 5]) as Tensor3D }),
      'GRU.forward: h0 must be [2, 3, 5], got [1, 3, 5]',
    ],
    [
      'c0 with the wrong batch',
      () => lstm.forward(tf.zeros([3, 2, 7]) as Tensor3D, { c0: tf.zeros([2, 4, 5]) as Tensor3D }),
      'LSTM.forward: c0 must be [2, 3, 5], got [2, 4, 5]',
    ],
    [
      'c0 for a GRU',
      () => gru.forward(tf.zeros([2, 3, 7]) as Tensor3D, { c0: tf.zeros([2, 3, 5]) } as never),
      'GRU.forward: c0 is only for LSTM',
    ],
    [
      'a length past the end',
      () => gru.forward(tf.zeros([4, 3, 7]) as Tensor3D, { lengths: [4, 5, 1] }),
      'GRU.forward: lengths[1] must be an integer in [1, 4] (the sequence length), got 5',
    ],
    [
      'a zero length',
      () => gru.forward(tf.zeros([4, 3, 7]) as Tensor3D, { lengths: [4, 0, 1] }),
      'lengths[1] must be an integer in [1, 4]',
    ],
    [
      'a fractional length',
      () => gru.forward(tf.zeros([4, 3, 7]) as Tensor3D, { lengths: [2.5, 1, 1] }),
      'got 2.5',
    ],
    [
      'lengths for another batch',
      () => gru.forward(tf.zeros([4, 3, 7]) as Tensor3D, { lengths: [4, 4] }),
      'GRU.forward: lengths must have one entry per sequence (3), got 2',
    ],
    [
      'no time steps',
      () => gru.forward(tf.zeros([0, 3, 7]) as Tensor3D),
      'x must have at least one time step',
    ],
    [
      'an empty batch',
      () => gru.forward(tf.zeros([4, 0, 7]) as Tensor3D),
      'GRU.forward: x must hold at least one sequence, got batch 0',
    ],
    [
      'projSize ≥ hiddenSize',
      () => new LSTM({ inputSize: 7, hiddenSize: 5, projSize: 5 }),
      'new LSTM: projSize must be an integer in [0, hiddenSize) = [0, 5), got 5',
    ],
    [
      'dropout out of range',
      () => new GRU({ inputSize: 7, hiddenSize: 5, dropout: 1.5 }),
      'new GRU: dropout must be a number in [0, 1), got 1.5',
    ],
    [
      'zero layers',
      () => new RNN({ inputSize: 7, hiddenSize: 5, numLayers: 0 }),
      'new RNN: numLayers must be a positive integer, got 0',
    ],
    [
      'a missing hiddenSize',
      () => new RNN({ inputSize: 7 } as never),
      'new RNN: hiddenSize must be a positive integer, got undefined',
    ],
  ];
  it.each(cases)('%s', async (_name, call, message) => {
    await expectNoLeaks(() => {
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        expect(call).toThrow(message);
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
