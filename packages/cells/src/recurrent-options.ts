import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { Lengths } from './packed-sequence';
import { requirePositiveIntegers } from './require-sizes';

/** Options shared by `RNN`, `LSTM` and `GRU`; the names and defaults are `torch.nn`'s. */
export interface RecurrentLayerOptions {
  /** Features per time step of the input `x`. */
  inputSize: number;
  /** Features of the hidden state `h`. */
  hiddenSize: number;
  /** Stacked layers; layer k > 0 reads layer k-1's output. Default 1. */
  numLayers?: number;
  /** Use `b_ih` and `b_hh`. Default `true`, as in PyTorch. */
  bias?: boolean;
  /** `x` and `output` are `[batch, seq, feature]` instead of `[seq, batch, feature]`. Default `false`. */
  batchFirst?: boolean;
  /** Dropout on each layer's output except the last, in training mode only. Default 0. */
  dropout?: number;
  /** Also run each layer from the end to the start and concatenate both outputs. Default `false`. */
  bidirectional?: boolean;
  /** Seed for initialisation and dropout masks; omit for a fresh random one each time. */
  seed?: number;
}

/** Options of one `forward` call. */
export interface RecurrentForwardOptions {
  /** Initial hidden state `[numLayers * numDirections, B, Hout]`; zeros when omitted. */
  h0?: Tensor3D;
  /**
   * Length of each sequence (1..T), giving PyTorch's packed-sequence meaning: steps past a
   * sequence's end leave its state unchanged and output zeros, `hN` is taken at its last valid
   * step, and the reverse direction starts there.
   */
  lengths?: Lengths;
  /** Also return every gate's activation per step (for visualisation). Default `false`. */
  trace?: boolean;
  /**
   * Seed of this call's dropout masks, for training that must repeat exactly after a resume;
   * by default each call draws one from the layer's seeded generator.
   */
  dropoutSeed?: number;
  /**
   * Run on the recurrence engine of this name (`'reference'`, `'fused'`, or one an accelerator
   * registered), or throw saying why it cannot; by default the first registered engine that can.
   */
  engine?: string;
}

/** The state `step` reads and returns, one entry per layer (unidirectional layers). */
export interface RecurrentState {
  /** `[numLayers, B, Hout]` */
  h: Tensor3D;
  /** `[numLayers, B, hiddenSize]`, LSTM only */
  c?: Tensor3D;
}

/** Options of one `step` call. */
export type RecurrentStepOptions = Pick<RecurrentForwardOptions, 'dropoutSeed' | 'engine'>;

/** What `step` returns: the top layer's new `h`, and every layer's new state. */
export interface RecurrentStepOutput {
  /** `[B, Hout]` */
  output: Tensor2D;
  /** `[numLayers, B, Hout]` */
  hN: Tensor3D;
  /** `[numLayers, B, hiddenSize]`, LSTM only */
  cN?: Tensor3D;
}

/** Per layer, each direction's activations, each `[T, B, H]` in time order (whatever `batchFirst`). */
export type RecurrentTrace<Name extends string> = Array<{
  forward: Record<Name, Tensor3D>;
  reverse?: Record<Name, Tensor3D>;
}>;

/**
 * Refuses options that PyTorch would refuse, naming the option, what it must be and what came.
 * `projSize` is the LSTM's (0 for the other kinds).
 */
export function checkLayerOptions(
  kind: string,
  options: RecurrentLayerOptions,
  projSize: number,
): void {
  const where = `new ${kind}`;
  if (options === null || typeof options !== 'object') {
    throw new Error(
      `${where}: expected an options object such as { inputSize: 16, hiddenSize: 32 }, got ${options}`,
    );
  }
  requirePositiveIntegers(where, options, ['inputSize', 'hiddenSize']);
  if (options.numLayers !== undefined) requirePositiveIntegers(where, options, ['numLayers']);
  const dropout = options.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new Error(`${where}: dropout must be a number in [0, 1), got ${options.dropout}`);
  }
  if (
    projSize !== 0 &&
    (!Number.isInteger(projSize) || projSize < 0 || projSize >= options.hiddenSize)
  ) {
    throw new Error(
      `${where}: projSize must be an integer in [0, hiddenSize) = [0, ${options.hiddenSize}), got ${projSize}`,
    );
  }
  if (options.seed !== undefined && !Number.isFinite(options.seed)) {
    throw new Error(`${where}: seed must be a finite number, got ${options.seed}`);
  }
}
