import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { RecurrentLayer } from './recurrent-layer';
import type {
  RecurrentForwardOptions,
  RecurrentLayerOptions,
  RecurrentState,
  RecurrentStepOptions,
  RecurrentStepOutput,
  RecurrentTrace,
} from './recurrent-options';
import type { Nonlinearity } from './rnn-step';

export interface RNNOptions extends RecurrentLayerOptions {
  /** `'tanh'` (default, as in PyTorch) or `'relu'`. */
  nonlinearity?: Nonlinearity;
}

/** What `RNN.forward` returns; the tensors are the caller's to dispose. */
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
    super({ name: 'RNN', kind: 'rnn', nonlinearity: nonlinearity, projSize: 0 }, options);
    this.nonlinearity = nonlinearity;
  }

  /**
   * @param x `[T, B, inputSize]`, or `[B, T, inputSize]` with `batchFirst`
   * @returns output `[T, B, D*H]` (batch first if set) and hN `[L*D, B, H]`; the caller disposes them
   */
  forward(x: Tensor3D, options: RecurrentForwardOptions = {}): RNNOutput {
    return this.runLayers('RNN.forward', x, options) as RNNOutput;
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
    return this.stepLayers('RNN.step', x, state, options);
  }
}
