import { GRU, LSTM, RNN } from '@gated/cells';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

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
