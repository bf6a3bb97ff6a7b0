import type { Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { CellState, StepResult } from './recurrent-step';

/** The GRU's gates, in the names gate tracing uses. */
export type GRUGate = 'reset' | 'update' | 'new';

/**
 * One GRU step (Cho et al. 2014), in PyTorch's gate order r, z, n, with the reset gate applied
 * to the recurrent term including its bias, as PyTorch and cuDNN do:
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r (W_hn h + b_hn)),  h' = (1 - z) n + z h
 *
 * @param xGates `[B, 3H]` = `x W_ih^T + b_ih`
 * @param hGates `[B, 3H]` = `h W_hh^T + b_hh` (the bias must stay here, inside the reset term)
 * @param state  `h` `[B, H]`
 */
export function gruStep(xGates: Tensor2D, hGates: Tensor2D, state: CellState): StepResult<GRUGate> {
  const [xr, xz, xn] = tf.split(xGates, 3, 1) as Tensor2D[];
  const [hr, hz, hn] = tf.split(hGates, 3, 1) as Tensor2D[];
  const reset = tf.sigmoid(tf.add(xr!, hr!)) as Tensor2D;
  const update = tf.sigmoid(tf.add(xz!, hz!)) as Tensor2D;
  const candidate = tf.tanh(tf.add(xn!, tf.mul(reset, hn!))) as Tensor2D;
  // n + z (h - n) is (1 - z) n + z h with one multiply, in PyTorch's order of operations.
  const h = tf.add(candidate, tf.mul(update, tf.sub(state.h, candidate))) as Tensor2D;
  return { state: { h }, gates: { reset, update, new: candidate } };
}
