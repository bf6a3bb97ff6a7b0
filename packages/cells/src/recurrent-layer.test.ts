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
