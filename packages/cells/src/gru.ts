import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { GRUGate } from './gru-step';
import { RecurrentLayer } from './recurrent-layer';
import type {
  RecurrentForwardOptions,
  RecurrentLayerOptions,
  RecurrentState,
  RecurrentStepOptions,
  RecurrentStepOutput,
  RecurrentTrace,
} from './recurrent-options';

/** Options of `new GRU`: those of every recurrent layer (`inputSize`, `hiddenSize`, `numLayers`, …). */
export type GRUOptions = RecurrentLayerOptions;

/** What `GRU.forward` returns; the tensors are the caller's to dispose. */
export interface GRUOutput {
  /** `[T, B, D*H]` (or `[B, T, D*H]` with `batchFirst`): the last layer's `h` at every step. */
  output: Tensor3D;
  /** `[numLayers * D, B, H]`: each layer's and direction's final `h`. */
  hN: Tensor3D;
  /** With `trace: true`: reset, update and new gates and `hidden`, each `[T, B, H]`. */
  trace?: RecurrentTrace<GRUGate | 'hidden'>;
}

/**
 * A multi-layer GRU over sequences (Cho et al. 2014), `torch.nn.GRU` in names, shapes,
 * parameters and numbers.
 *
 * @example
 * new GRU({ inputSize: 16, hiddenSize: 32 }).numParameters(); // 4800
 */
export class GRU extends RecurrentLayer<GRUGate> {
  constructor(options: GRUOptions) {
    super({ name: 'GRU', kind: 'gru', nonlinearity: 'tanh', projSize: 0 }, options);
  }

  /**
   * @param x `[T, B, inputSize]`, or `[B, T, inputSize]` with `batchFirst`
   * @returns output `[T, B, D*H]` (batch first if set) and hN `[L*D, B, H]`; the caller disposes them
   */
  forward(x: Tensor3D, options: RecurrentForwardOptions = {}): GRUOutput {
    return this.runLayers('GRU.forward', x, options) as GRUOutput;
  }

  /**
   * One time step of every layer (decoding): x `[B, inputSize]`, state `h` `[L, B, H]` (zeros
   * when omitted) → output `[B, H]`, hN `[L, B, H]`.
   */
  step(
    x: Tensor2D,
    state?: RecurrentState,
    options: RecurrentStepOptions = {},
  ): RecurrentStepOutput {
    return this.stepLayers('GRU.step', x, state, options);
  }
}
