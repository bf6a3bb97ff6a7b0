import type { Tensor, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  expectNoLeaks,
  loadTorchStateDict,
  maxAbsDiff,
  readFixture,
  type TensorJson,
  toTensor,
} from '../test/fixtures';
import { GRUCell, LSTMCell, RNNCell } from './cells';

interface CellCase {
  name: string;
  kind: 'RNNCell' | 'LSTMCell' | 'GRUCell';
  bias?: boolean;
  nonlinearity?: 'tanh' | 'relu';
  inputs: Record<string, TensorJson>;
  stateDict: Record<string, TensorJson>;
  outputs: Record<string, TensorJson>;
  lossWeights: Record<string, TensorJson>;
  grads: Record<string, TensorJson>;
}

const { cases, sizes } = readFixture<{
  cases: CellCase[];
  sizes: { input: number; hidden: number };
}>('torch-cells.json');

function buildCell(c: CellCase): RNNCell | LSTMCell | GRUCell {
  const options = { inputSize: sizes.input, hiddenSize: sizes.hidden, bias: c.bias, seed: 7 };
  if (c.kind === 'LSTMCell') return new LSTMCell(options);
  if (c.kind === 'GRUCell') return new GRUCell(options);
  return new RNNCell({ ...options, nonlinearity: c.nonlinearity });
}

function run(cell: RNNCell | LSTMCell | GRUCell, x: Tensor2D, h: Tensor2D, c?: Tensor2D) {
  return cell instanceof LSTMCell ? cell.forward(x, { h, c }) : cell.forward(x, { h });
}

it('the cell fixture holds its 6 cases', () => {
  expect(cases.map((c) => c.name)).toEqual([
    'RNNCell-{}',
    "RNNCell-{'nonlinearity': 'relu'}",
    'LSTMCell-{}',
    'GRUCell-{}',
    "GRUCell-{'bias': False}",
    "LSTMCell-{'bias': False}",
  ]);
});

describe.each(cases.map((c) => [c.name, c] as const))('PyTorch parity: %s', (_name, c) => {
  it('one step and its gradients match torch.nn cells', async () => {
    const cell = buildCell(c);
    loadTorchStateDict(cell, c.stateDict);
    const inputs: Record<string, Variable> = {};
    for (const [name, json] of Object.entries(c.inputs)) inputs[name] = tf.variable(toTensor(json));
    const weights = Object.fromEntries(
      Object.entries(c.lossWeights).map(([k, v]) => [k, toTensor(v)]),
    );
    await expectNoLeaks(() => {
      const out = run(
        cell,
        inputs.x as Tensor2D,
        inputs.h as Tensor2D,
        inputs.c as Tensor2D,
      ) as Record<string, Tensor>;
      const outputNames = c.kind === 'LSTMCell' ? ['c', 'h'] : ['h'];
      expect(Object.keys(out).sort()).toEqual(outputNames);
      expect(Object.keys(c.outputs).sort()).toEqual(outputNames);
      expect(Object.keys(weights).sort()).toEqual(outputNames);
      for (const [name, expected] of Object.entries(c.outputs)) {
        expect(maxAbsDiff(out[name]!, expected), name).toBeLessThan(1e-5);
      }
      tf.dispose(Object.values(out));
      const wrt = { ...inputs, ...Object.fromEntries(cell.namedParameters()) };
      expect(Object.keys(wrt).sort()).toEqual(Object.keys(c.grads).sort());
      const { value, grads } = tf.variableGrads(() => {
        const result = run(
          cell,
          inputs.x as Tensor2D,
          inputs.h as Tensor2D,
          inputs.c as Tensor2D,
        ) as Record<string, Tensor>;
        return tf.addN(
          Object.keys(weights).map((k) => tf.sum(tf.mul(result[k]!, weights[k]!))),
        ) as tf.Scalar;
      }, Object.values(wrt));
      for (const [name, variable] of Object.entries(wrt)) {
        expect(
          maxAbsDiff(grads[variable.name]!, c.grads[name]!),
          `gradient of ${name}`,
        ).toBeLessThan(1e-4);
      }
      tf.dispose([value, ...Object.values(grads)]);
    });
    tf.dispose([...Object.values(inputs), ...Object.values(weights)]);
    cell.dispose();
  });
});

describe('cells', () => {
  it('start from zero state and have torch.nn parameter names and counts', () => {
    const cell = new LSTMCell({ inputSize: 7, hiddenSize: 5, seed: 42 });
    expect(cell.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['weight_ih', [20, 7]],
      ['weight_hh', [20, 5]],
      ['bias_ih', [20]],
      ['bias_hh', [20]],
    ]);
    expect(new GRUCell({ inputSize: 16, hiddenSize: 32 }).numParameters()).toBe(4800);
    const x = tf.randomNormal([3, 7], 0, 1, 'float32', 42) as Tensor2D;
    const zero = tf.zeros([3, 5]) as Tensor2D;
    const implicit = cell.forward(x);
    const explicit = cell.forward(x, { h: zero, c: zero });
    expect(implicit.h.arraySync()).toEqual(explicit.h.arraySync());
    expect(implicit.c.arraySync()).toEqual(explicit.c.arraySync());
    tf.dispose([x, zero, implicit.h, implicit.c, explicit.h, explicit.c]);
    cell.dispose();
  });

  it('refuse wrong shapes at the boundary, naming expected and received', () => {
    const cell = new GRUCell({ inputSize: 7, hiddenSize: 5, seed: 1 });
    const x = tf.zeros([3, 6]) as Tensor2D;
    const good = tf.zeros([3, 7]) as Tensor2D;
    const h = tf.zeros([2, 5]) as Tensor2D;
    expect(() => cell.forward(x)).toThrow('GRUCell.forward: x must be [batch, 7], got [3, 6]');
    expect(() => cell.forward(good, { h })).toThrow(
      'GRUCell.forward: h must be [3, 5], got [2, 5]',
    );
    expect(() => new RNNCell({ inputSize: 0, hiddenSize: 5 })).toThrow(
      'new RNNCell: inputSize must be a positive integer, got 0',
    );
    expect(
      () => new RNNCell({ inputSize: 3, hiddenSize: 5, nonlinearity: 'gelu' as never }),
    ).toThrow("nonlinearity must be 'tanh' or 'relu', got 'gelu'");
    tf.dispose([x, good, h]);
    cell.dispose();
  });
});
