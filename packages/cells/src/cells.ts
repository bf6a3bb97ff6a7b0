import type { Tensor2D } from '@tensorflow/tfjs-core';
import { type GRUGate, gruStep } from './gru-step';
import { type LSTMGate, lstmStep } from './lstm-step';
import { RecurrentCell, type RecurrentCellOptions } from './recurrent-cell';
import { type Nonlinearity, rnnStep } from './rnn-step';

/**
 * One LSTM step, `torch.nn.LSTMCell`: `forward(x [B, in], { h, c })` → `{ h, c }`, each `[B, H]`;
 * missing states start at zero.
 */
export class LSTMCell extends RecurrentCell<LSTMGate> {
  constructor(options: RecurrentCellOptions) {
    super('LSTMCell', 4, false, (x, h, state) => lstmStep(x, h, state), options);
  }

  /** One step: `x` `[B, inputSize]`, `h` and `c` `[B, H]` (zeros when omitted) → the new `h` and `c`, `[B, H]` each. */
  forward(x: Tensor2D, state: { h?: Tensor2D; c?: Tensor2D } = {}): { h: Tensor2D; c: Tensor2D } {
    return this.runStep(x, state, true) as { h: Tensor2D; c: Tensor2D };
  }
}

/** One GRU step, `torch.nn.GRUCell`: `forward(x [B, in], { h })` → `{ h }` `[B, H]`. */
export class GRUCell extends RecurrentCell<GRUGate> {
  constructor(options: RecurrentCellOptions) {
    super('GRUCell', 3, true, gruStep, options);
  }

  /** One step: `x` `[B, inputSize]`, `h` `[B, H]` (zeros when omitted) → the new `h` `[B, H]`. */
  forward(x: Tensor2D, state: { h?: Tensor2D } = {}): { h: Tensor2D } {
    return this.runStep(x, state, false) as { h: Tensor2D };
  }
}

export interface RNNCellOptions extends RecurrentCellOptions {
  /** `'tanh'` (default, as in PyTorch) or `'relu'`. */
  nonlinearity?: Nonlinearity;
}

/** One Elman RNN step, `torch.nn.RNNCell`: `forward(x [B, in], { h })` → `{ h }` `[B, H]`. */
export class RNNCell extends RecurrentCell<never> {
  readonly nonlinearity: Nonlinearity;

  constructor(options: RNNCellOptions) {
    const nonlinearity = options?.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
      throw new Error(`new RNNCell: nonlinearity must be 'tanh' or 'relu', got '${nonlinearity}'`);
    }
    super('RNNCell', 1, false, (x, h, state) => rnnStep(x, h, state, nonlinearity), options);
    this.nonlinearity = nonlinearity;
  }

  /** One step: `x` `[B, inputSize]`, `h` `[B, H]` (zeros when omitted) → the new `h` `[B, H]`. */
  forward(x: Tensor2D, state: { h?: Tensor2D } = {}): { h: Tensor2D } {
    return this.runStep(x, state, false) as { h: Tensor2D };
  }
}
