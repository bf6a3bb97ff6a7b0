import { GRU, LSTM, RNN } from '@gated/cells';
import type { Tensor3D } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import type { GradientNorms, ParameterCounts } from './protocol';

/**
 * ‖∂loss/∂x_t‖ against the distance from the loss, for freshly initialised RNN, LSTM and GRU
 * layers (input 8, hidden 32, batch 4, seeded): the loss is the sum of the last hidden state, so
 * the gradient reaching x_t has travelled through `T − 1 − t` recurrent steps (Bengio et al. 1994;
 * Hochreiter & Schmidhuber 1997).
 */
export function gradientNorms(length: number): GradientNorms {
  const input = tf.randomNormal([4, length, 8], 0, 1, 'float32', 11) as Tensor3D;
  const options = { inputSize: 8, hiddenSize: 32, batchFirst: true, seed: 5 };
  const layers = { rnn: new RNN(options), lstm: new LSTM(options), gru: new GRU(options) };
  const distances = Array.from({ length }, (_, d) => d);
  const result: GradientNorms = { distances, rnn: [], lstm: [], gru: [] };
  try {
    for (const name of ['rnn', 'lstm', 'gru'] as const) {
      const layer = layers[name];
      const norms = tf.tidy(() => {
        const gradient = tf.grad((x: tf.Tensor) => layer.forward(x as Tensor3D).hN.sum())(input);
        return gradient.square().sum([0, 2]).sqrt(); // [T]
      });
      const values = Array.from(norms.dataSync());
      norms.dispose();
      result[name] = distances.map((d) => values[length - 1 - d] ?? 0);
    }
  } finally {
    input.dispose();
    for (const layer of Object.values(layers)) layer.dispose();
  }
  return result;
}

/** Parameters of one RNN, LSTM and GRU layer of the given sizes, counted from real layers. */
export function countParameters(inputSize: number, hiddenSize: number): ParameterCounts {
  for (const [name, value] of [
    ['inputSize', inputSize],
    ['hiddenSize', hiddenSize],
  ] as const)
    if (!Number.isInteger(value) || value < 1 || value > 512)
      throw new Error(`${name} must be an integer from 1 to 512, got ${value}`);
  const options = { inputSize, hiddenSize, seed: 1 };
  const layers = [new RNN(options), new LSTM(options), new GRU(options)] as const;
  const [rnn, lstm, gru] = layers.map((layer) => layer.numParameters()) as [number, number, number];
  for (const layer of layers) layer.dispose();
  return { rnn, lstm, gru };
}
