import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { linearProduct } from './fast-matmul';
import type { CellState, StepResult } from './recurrent-step';

/** The LSTM's gates, in the names gate tracing uses (`cell` is the candidate g). */
export type LSTMGate = 'input' | 'forget' | 'cell' | 'output';

/**
 * One LSTM step (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000), in
 * PyTorch's gate order i, f, g, o:
 *   i = σ(·), f = σ(·), g = tanh(·), o = σ(·);  c' = f c + i g;  h' = o tanh(c')
 * and, with a projection (Sak et al. 2014), h' ← h' W_hr^T.
 *
 * @param xGates     `[B, 4H]` input projection with both biases folded in
 * @param hGates     `[B, 4H]` recurrent projection `h W_hh^T`
 * @param state      `h` `[B, Hout]`, `c` `[B, H]`
 * @param projection `W_hr` `[P, H]`, when `projSize > 0`
 */
export function lstmStep(
  xGates: Tensor2D,
  hGates: Tensor2D,
  state: CellState,
  projection?: Tensor,
): StepResult<LSTMGate> {
  const [i, f, g, o] = tf.split(tf.add(xGates, hGates), 4, 1) as Tensor2D[];
  const input = tf.sigmoid(i!);
  const forget = tf.sigmoid(f!);
  const cell = tf.tanh(g!);
  const output = tf.sigmoid(o!);
  const c = tf.add(tf.mul(forget, state.c!), tf.mul(input, cell)) as Tensor2D; // [B, H]
  const hFull = tf.mul(output, tf.tanh(c)) as Tensor2D; // [B, H]
  const h = projection ? linearProduct(hFull, projection) : hFull; // [B, Hout]
  return { state: { h, c }, gates: { input, forget, cell, output } };
}
