import { GRU, LSTM, RNN } from '@gated/cells';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { GradientNorms, ParameterCounts } from './protocol';

export type RecurrentKind = 'rnn' | 'lstm' | 'gru';

/**
 * ‖∂loss/∂x_t‖ for each t, indexed by distance from the loss (index 0 = the last input), for a
 * freshly initialised layer (PyTorch initialisation, seeded). The loss is a fixed random
 * projection of the last hidden state, so the gradient reaching x_t has travelled through
 * `T − 1 − t` recurrent steps (Bengio et al. 1994; Hochreiter & Schmidhuber 1997).
 */
export function gradientNormsByDistance(
  kind: RecurrentKind,
  options: { length: number; seed: number; batch?: number; input?: number; hidden?: number },
): number[] {
  const { length, seed, batch = 16, input = 8, hidden = 32 } = options;
  const Layer = kind === 'lstm' ? LSTM : kind === 'gru' ? GRU : RNN;
  const layer = new Layer({ inputSize: input, hiddenSize: hidden, batchFirst: true, seed });
  const x = tf.randomNormal([batch, length, input], 0, 1, 'float32', seed) as Tensor3D;
  const w = tf.randomNormal([batch, hidden], 0, 1, 'float32', seed + 100);
  try {
    const norms = tf.tidy(() => {
      const gradient = tf.grad((xs: tf.Tensor) =>
        tf.sum(tf.mul(tf.squeeze(layer.forward(xs as Tensor3D).hN, [0]), w)),
      )(x);
      return tf.sqrt(tf.sum(tf.square(gradient), [0, 2])); // [T]
    });
    const perStep = norms.dataSync();
    norms.dispose();
    return Array.from({ length }, (_, d) => perStep[length - 1 - d] ?? 0);
  } finally {
    tf.dispose([x, w]);
    layer.dispose();
  }
}

/** The demo's chart: RNN, LSTM and GRU at `length` steps (input 8, hidden 32, batch 4, seed 5). */
export function gradientNorms(length: number): GradientNorms {
  const at = (kind: RecurrentKind) => gradientNormsByDistance(kind, { length, seed: 5, batch: 4 });
  return {
    distances: Array.from({ length }, (_, d) => d),
    rnn: at('rnn'),
    lstm: at('lstm'),
    gru: at('gru'),
  };
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
