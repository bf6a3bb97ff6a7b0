import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, maxAbsDiff, randomizeWeights, savedArtifacts } from '../test/helpers';
import { kerasModelFromArtifacts } from './load-keras-model';

// Sizes are small and odd (batch 3, 6 steps, 7 features, 5 units) so a transposed kernel fails.
const [BATCH, STEPS, FEATURES, UNITS] = [3, 6, 7, 5];
const sigmoid = { recurrentActivation: 'sigmoid' } as const; // tfjs-layers' default is hard_sigmoid

interface Case {
  name: string;
  layers: () => tf.layers.Layer[];
  /** The model reads token ids (vocabulary 11). */
  ids?: boolean;
}

const input = { inputShape: [STEPS, FEATURES] };
const cases: Case[] = [
  {
    name: 'LSTM, every step',
    layers: () => [tf.layers.lstm({ ...input, ...sigmoid, units: UNITS, returnSequences: true })],
  },
  {
    name: 'LSTM, last step',
    layers: () => [tf.layers.lstm({ ...input, ...sigmoid, units: UNITS })],
  },
  {
    name: 'LSTM without biases',
    layers: () => [
      tf.layers.lstm({ ...input, ...sigmoid, units: UNITS, useBias: false, returnSequences: true }),
    ],
  },
  {
    name: 'SimpleRNN tanh',
    layers: () => [tf.layers.simpleRNN({ ...input, units: UNITS, returnSequences: true })],
  },
  {
    name: 'SimpleRNN relu, last step',
    layers: () => [tf.layers.simpleRNN({ ...input, units: UNITS, activation: 'relu' })],
  },
  {
    name: 'Bidirectional LSTM, every step',
    layers: () => [
      tf.layers.bidirectional({
        ...input,
        layer: tf.layers.lstm({ ...sigmoid, units: UNITS, returnSequences: true }) as tf.RNN,
      }),
    ],
  },
  {
    name: 'Bidirectional LSTM, last step',
    layers: () => [
      tf.layers.bidirectional({
        ...input,
        layer: tf.layers.lstm({ ...sigmoid, units: UNITS }) as tf.RNN,
      }),
    ],
  },
  {
    name: 'Bidirectional SimpleRNN',
    layers: () => [
      tf.layers.bidirectional({
        ...input,
        layer: tf.layers.simpleRNN({ units: 3, returnSequences: true }) as tf.RNN,
      }),
    ],
  },
  {
    name: 'Embedding, Bidirectional LSTM, LSTM, Dropout, Dense softmax',
    ids: true,
    layers: () => [
      tf.layers.embedding({ inputDim: 11, outputDim: FEATURES, inputLength: STEPS }),
      tf.layers.bidirectional({
        layer: tf.layers.lstm({ ...sigmoid, units: UNITS, returnSequences: true }) as tf.RNN,
      }),
      tf.layers.lstm({ ...sigmoid, units: 3 }),
      tf.layers.dropout({ rate: 0.5 }),
      tf.layers.dense({ units: 4, activation: 'softmax' }),
    ],
  },
  {
    name: 'Embedding, SimpleRNN, Dense over every step (relu, then tanh)',
    ids: true,
    layers: () => [
      tf.layers.embedding({ inputDim: 11, outputDim: 3, inputLength: STEPS }),
      tf.layers.simpleRNN({ units: UNITS, returnSequences: true }),
      tf.layers.dense({ units: 4, activation: 'relu' }),
      tf.layers.dense({ units: 2, activation: 'tanh', useBias: false }),
    ],
  },
  {
    name: 'layers named forward_… and backward_… (their own names, not Bidirectional halves)',
    layers: () => [
      tf.layers.lstm({
        ...input,
        ...sigmoid,
        units: UNITS,
        returnSequences: true,
        name: 'forward_lstm',
      }),
      tf.layers.bidirectional({
        name: 'backward_bi',
        layer: tf.layers.simpleRNN({ units: 3, returnSequences: true }) as tf.RNN,
      }),
      tf.layers.simpleRNN({ units: 2, name: 'backward_rnn' }),
    ],
  },
  {
    name: 'Dense sigmoid on features',
    layers: () => [tf.layers.dense({ inputShape: [FEATURES], units: 3, activation: 'sigmoid' })],
  },
];

describe('a tf.layers model, saved and loaded into gated layers, predicts what tf.layers predicts', () => {
  for (const [index, testCase] of cases.entries()) {
    it(testCase.name, async () => {
      const model = tf.sequential({ layers: testCase.layers() });
      randomizeWeights(model, 100 * index);
      const dense = testCase.name.startsWith('Dense');
      const x = testCase.ids
        ? tf.randomUniformInt([BATCH, STEPS], 0, 11, index)
        : tf.randomNormal(
            dense ? [BATCH, FEATURES] : [BATCH, STEPS, FEATURES],
            0,
            1,
            'float32',
            index,
          );
      const expected = model.predict(testCase.ids ? tf.cast(x, 'float32') : x) as tf.Tensor;
      const artifacts = await savedArtifacts(model);
      await expectNoLeaks(() => {
        const loaded = kerasModelFromArtifacts(artifacts);
        const actual = loaded.forward(x);
        const worst = maxAbsDiff(actual, expected);
        expect(worst).toBeLessThanOrEqual(1e-5);
        expect(loaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
        actual.dispose();
        loaded.dispose();
      });
      tf.dispose([x, expected]);
      model.dispose();
    });
  }

  it('a functional chain: Input, LSTM, SimpleRNN, Dense softmax', async () => {
    const x = tf.randomNormal([BATCH, STEPS, FEATURES], 0, 1, 'float32', 77);
    const input = tf.input({ shape: [STEPS, FEATURES] });
    let h = tf.layers.lstm({ ...sigmoid, units: UNITS, returnSequences: true }).apply(input);
    h = tf.layers.simpleRNN({ units: 3 }).apply(h);
    const model = tf.model({
      inputs: input,
      outputs: tf.layers.dense({ units: 2, activation: 'softmax' }).apply(h) as tf.SymbolicTensor,
    });
    randomizeWeights(model, 77);
    const expected = model.predict(x) as tf.Tensor;
    const artifacts = await savedArtifacts(model);
    await expectNoLeaks(() => {
      const loaded = kerasModelFromArtifacts(artifacts);
      const actual = loaded.forward(x);
      expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(1e-5);
      actual.dispose();
      loaded.dispose();
    });
    tf.dispose([x, expected]);
    model.dispose();
  });
});
