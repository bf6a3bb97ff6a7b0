import type { Tensor3D } from '@tensorflow/tfjs-core';
import {
  type RecurrentForwardOptions,
  RecurrentLayer,
  type RecurrentLayerOptions,
  type RecurrentTrace,
} from './recurrent-layer';
import { type Nonlinearity, rnnStep } from './rnn-step';

export interface RNNOptions extends RecurrentLayerOptions {
  /** `'tanh'` (default, as in PyTorch) or `'relu'`. */
  nonlinearity?: Nonlinearity;
}

export interface RNNOutput {
  /** `[T, B, D*H]` (or `[B, T, D*H]` with `batchFirst`): the last layer's `h` at every step. */
  output: Tensor3D;
  /** `[numLayers * D, B, H]`: each layer's and direction's final `h`. */
  hN: Tensor3D;
  /** With `trace: true`: `hidden`, `[T, B, H]` (an Elman RNN has no gates). */
  trace?: RecurrentTrace<'hidden'>;
}

/** A multi-layer Elman RNN over sequences, `torch.nn.RNN` in names, shapes, parameters and numbers. */
export class RNN extends RecurrentLayer<never> {
  readonly nonlinearity: Nonlinearity;

  constructor(options: RNNOptions) {
    const nonlinearity = options?.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
      throw new Error(`new RNN: nonlinearity must be 'tanh' or 'relu', got '${nonlinearity}'`);
    }
    super(
      {
        name: 'RNN',
        gateCount: 1,
        recurrentBiasInStep: false,
        fused: { kind: 'rnn', nonlinearity },
        hasCellState: false,
        projSize: 0,
        step: (xGates, hGates, state) => rnnStep(xGates, hGates, state, nonlinearity),
      },
      options,
    );
    this.nonlinearity = nonlinearity;
  }

  /**
   * @param x `[T, B, inputSize]`, or `[B, T, inputSize]` with `batchFirst`
   * @returns output `[T, B, D*H]` (batch first if set) and hN `[L*D, B, H]`; the caller disposes them
   */
  forward(x: Tensor3D, options: RecurrentForwardOptions = {}): RNNOutput {
    return this.runLayers('RNN.forward', x, options) as RNNOutput;
  }
}
