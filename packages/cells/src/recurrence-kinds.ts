import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { gruStep } from './gru-step';
import { lstmStep } from './lstm-step';
import type { DirectionWeights, RecurrenceKind, RecurrenceSpec } from './recurrence-engine';
import type { CellState, StepResult } from './recurrent-step';
import { type Nonlinearity, rnnStep } from './rnn-step';

/** Gate blocks stacked in `weight_ih`: 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n), 1 (RNN). */
export const GATE_COUNT: Record<RecurrenceKind, number> = { lstm: 4, gru: 3, rnn: 1 };

/**
 * Where each bias goes, the one rule every engine follows: the input bias joins the input
 * projection; `b_hh` joins it too, except for the GRU, whose reset gate multiplies `W_hn h + b_hn`
 * and so needs `b_hh` inside the step.
 */
export function splitBiases(
  kind: RecurrenceKind,
  w: DirectionWeights,
): { input?: Tensor; recurrent?: Tensor } {
  if (!w.biasIh || !w.biasHh) return {};
  if (kind === 'gru') return { input: w.biasIh, recurrent: w.biasHh };
  return { input: tf.add(w.biasIh, w.biasHh) };
}

/** One step of `spec`'s kind from the two projections (see recurrent-step.ts). */
export function stepOfKind(
  spec: RecurrenceSpec,
  weights: DirectionWeights,
): (xGates: Tensor2D, hGates: Tensor2D, state: CellState) => StepResult<string> {
  if (spec.kind === 'lstm') return (x, h, state) => lstmStep(x, h, state, weights.weightHr);
  if (spec.kind === 'gru') return gruStep;
  return (x, h, state) => rnnStep(x, h, state, spec.nonlinearity);
}

/** What distinguishes the kinds to the shared layer loop. */
export interface RecurrentKind {
  /** Class name used in messages: `'LSTM'`. */
  name: string;
  kind: RecurrenceKind;
  /** The RNN's activation; `'tanh'` for the others. */
  nonlinearity: Nonlinearity;
  /** `projSize` of an LSTM, else 0. */
  projSize: number;
}
