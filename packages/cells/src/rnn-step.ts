import type { Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { CellState, StepResult } from './recurrent-step';

/** The Elman RNN's activation, as PyTorch's `nonlinearity`. */
export type Nonlinearity = 'tanh' | 'relu';

/**
 * One Elman RNN step: h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act = tanh or relu.
 *
 * @param xGates `[B, H]` input projection with both biases folded in
 * @param hGates `[B, H]` recurrent projection `h W_hh^T`
 */
export function rnnStep(
  xGates: Tensor2D,
  hGates: Tensor2D,
  _state: CellState,
  nonlinearity: Nonlinearity,
): StepResult<never> {
  const preActivation = tf.add(xGates, hGates) as Tensor2D;
  const h = nonlinearity === 'relu' ? tf.relu(preActivation) : tf.tanh(preActivation);
  return { state: { h }, gates: {} as Record<never, Tensor2D> };
}
