import type { Tensor2D } from '@tensorflow/tfjs-core';

/** The state one step carries to the next: `h` `[B, Hout]`, and for the LSTM the cell `c` `[B, H]`. */
export interface CellState {
  h: Tensor2D;
  c?: Tensor2D;
}

/** One step's new state and the activations of its gates, each `[B, H]`. */
export interface StepResult<Gate extends string> {
  state: CellState;
  gates: Record<Gate, Tensor2D>;
}

/**
 * The math of one step, given the two pre-activation projections:
 * - `xGates` `[B, G*H]` = `x W_ih^T + b_ih` (plus `b_hh` when the kind folds it in),
 * - `hGates` `[B, G*H]` = `h W_hh^T` (plus `b_hh` when the kind keeps it apart, as the GRU must).
 * Cells call it once; layers call it once per time step after one input matmul for all steps.
 */
export type StepFunction<Gate extends string> = (
  xGates: Tensor2D,
  hGates: Tensor2D,
  state: CellState,
) => StepResult<Gate>;
