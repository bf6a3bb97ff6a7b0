import type { Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs-core';
import type { CellState } from './recurrent-step';
import type { Nonlinearity } from './rnn-step';

/*
 * One recurrence, several ways to run it. A layer describes one direction of one layer as a
 * `RecurrenceSpec`; the registry (engine-registry.ts) asks each engine in order whether it can
 * run it, and the first that can does. The portable engines live in this package (reference,
 * fused); faster ones plug in from their own packages (`@gated/wasm`).
 */

/** Which recurrence a spec runs. */
export type RecurrenceKind = 'lstm' | 'gru' | 'rnn';

/** The weights of one layer in one direction, in PyTorch's layouts. */
export interface DirectionWeights {
  weightIh: Variable; // [G*H, in]
  weightHh: Variable; // [G*H, Hout]
  biasIh?: Variable; // [G*H]
  biasHh?: Variable; // [G*H]
  weightHr?: Variable; // [P, H], LSTM with projSize only
}

/** What an engine is asked to run: one direction of one layer over a whole sequence. */
export interface RecurrenceSpec {
  kind: RecurrenceKind;
  /** The RNN's activation; `'tanh'` for LSTM and GRU. */
  nonlinearity: Nonlinearity;
  /** T, B: time steps and sequences. */
  steps: number;
  batch: number;
  /** Features of each step's input. */
  inputSize: number;
  /** H: hidden units (the cell state's width for the LSTM). */
  hidden: number;
  /** Hout: width of h, `projSize` for a projected LSTM, else `hidden`. */
  outputSize: number;
  /** Whether the LSTM projects h with `weight_hr` (projSize > 0). */
  projected: boolean;
  /** Every gate's activation per step is wanted (visualisation). */
  tracing: boolean;
  /** Variable lengths: a packed-sequence mask comes with the inputs. */
  masked: boolean;
  /** The active tfjs backend: `'wasm'`, `'cpu'`, `'webgl'`, `'webgpu'`, `'tensorflow'`. */
  backend: string;
}

/** The tensors of one run, time-major. */
export interface RecurrenceInputs {
  /** `[T*B, in]`: step t's inputs are rows t*B … t*B+B-1. */
  x: Tensor2D;
  weights: DirectionWeights;
  /** `h0` `[B, Hout]`, and `c0` `[B, H]` for the LSTM. */
  initial: CellState;
  /** `[T, B, 1]`: 1 where step t is inside sequence b, 0 past its end (no gradient). */
  mask?: Tensor3D;
}

/** What a run returns; every tensor is differentiable with respect to every input tensor. */
export interface RecurrenceRun {
  /** `[T, B, Hout]`: h at every step, zeros past a sequence's end. */
  output: Tensor3D;
  /** The state after each sequence's last step. */
  state: CellState;
  /** With `spec.tracing`: each gate's and state's activations per step, `[T, B, H]` each. */
  trace?: Record<string, Tensor3D>;
}

/** A way to run one direction of one recurrent layer; see `registerEngine` and `chooseEngine`. */
export interface RecurrenceEngine {
  /** Short and stable, for reports and tests: `'reference'`, `'fused'`, `'wasm'`. */
  readonly name: string;
  /** Why this engine cannot run `spec` (a phrase such as "tracing needs per-step gates"), or undefined when it can. */
  unsupported(spec: RecurrenceSpec): string | undefined;
  /** Runs the recurrence; called only for specs it supports, inside the caller's `tidy`. */
  run(spec: RecurrenceSpec, inputs: RecurrenceInputs): RecurrenceRun;
}
