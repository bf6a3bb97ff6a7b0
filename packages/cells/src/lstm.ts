import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { LSTMGate } from './lstm-step';
import { RecurrentLayer } from './recurrent-layer';
import type {
  RecurrentForwardOptions,
  RecurrentLayerOptions,
  RecurrentState,
  RecurrentStepOptions,
  RecurrentStepOutput,
  RecurrentTrace,
} from './recurrent-options';

export interface LSTMOptions extends RecurrentLayerOptions {
  /** Project `h` to this many features with `weight_hr` (Sak et al. 2014); 0 = none. Default 0. */
  projSize?: number;
}

export interface LSTMForwardOptions extends RecurrentForwardOptions {
  /** Initial cell state `[numLayers * numDirections, B, hiddenSize]`; zeros when omitted. */
  c0?: Tensor3D;
}

/** What `LSTM.step` returns. */
export interface LSTMStepOutput extends RecurrentStepOutput {
  /** `[numLayers, B, hiddenSize]` */
  cN: Tensor3D;
}

/** What `LSTM.forward` returns; the tensors are the caller's to dispose. */
export interface LSTMOutput {
  /** `[T, B, D*Hout]` (or `[B, T, D*Hout]` with `batchFirst`): the last layer's `h` at every step. */
  output: Tensor3D;
  /** `[numLayers * D, B, Hout]`: each layer's and direction's final `h`. */
  hN: Tensor3D;
  /** `[numLayers * D, B, hiddenSize]`: each layer's and direction's final cell state. */
  cN: Tensor3D;
  /** With `trace: true`: input/forget/cell/output gates, `cellState` and `hidden`, each `[T, B, H]`. */
  trace?: RecurrentTrace<LSTMGate | 'cellState' | 'hidden'>;
}

/**
 * A multi-layer LSTM over sequences, `torch.nn.LSTM` in names, shapes, parameters and numbers.
 *
 * @example
 * const lstm = new LSTM({ inputSize: 16, hiddenSize: 32, batchFirst: true });
 * const { output, hN, cN } = lstm.forward(x); // x [4, 10, 16] → output [4, 10, 32], hN, cN [1, 4, 32]
 */
export class LSTM extends RecurrentLayer<LSTMGate> {
  readonly projSize: number;

  constructor(options: LSTMOptions) {
    const projSize = options?.projSize ?? 0;
    super({ name: 'LSTM', kind: 'lstm', nonlinearity: 'tanh', projSize }, options);
    this.projSize = projSize;
  }

  /**
   * @param x `[T, B, inputSize]`, or `[B, T, inputSize]` with `batchFirst`
   * @returns output `[T, B, D*Hout]` (batch first if set), hN `[L*D, B, Hout]`, cN `[L*D, B, H]`;
   *   the caller disposes them
   */
  forward(x: Tensor3D, options: LSTMForwardOptions = {}): LSTMOutput {
    return this.runLayers('LSTM.forward', x, options) as LSTMOutput;
  }

  /**
   * One time step of every layer (decoding): x `[B, inputSize]`, state `h` `[L, B, Hout]` and
   * `c` `[L, B, H]` (zeros when omitted) → output `[B, Hout]`, hN `[L, B, Hout]`, cN `[L, B, H]`.
   */
  step(x: Tensor2D, state?: RecurrentState, options: RecurrentStepOptions = {}): LSTMStepOutput {
    return this.stepLayers('LSTM.step', x, state, options) as LSTMStepOutput;
  }
}
