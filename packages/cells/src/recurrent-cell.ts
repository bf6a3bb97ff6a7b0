import type { Tensor2D, Variable } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { assertShape } from './assert-shape';
import { linearProduct } from './fast-matmul';
import { Module } from './module';
import type { CellState, StepFunction } from './recurrent-step';
import { requirePositiveIntegers } from './require-sizes';
import { freshSeed, seededRandom, uniformValues } from './seeded-random';

/** Options shared by `RNNCell`, `LSTMCell` and `GRUCell`, as in `torch.nn`. */
export interface RecurrentCellOptions {
  /** Features of the input `x`. */
  inputSize: number;
  /** Features of the hidden state `h`. */
  hiddenSize: number;
  /** Use `bias_ih` and `bias_hh`. Default `true`. */
  bias?: boolean;
  /** Seed for initialisation; omit for a fresh random one. */
  seed?: number;
}

/**
 * One step of a recurrent kind, with `torch.nn.*Cell`'s parameters `weight_ih` `[G*H, in]`,
 * `weight_hh` `[G*H, H]`, `bias_ih`, `bias_hh` `[G*H]` and U(-1/√H, 1/√H) initialisation.
 */
export abstract class RecurrentCell<Gate extends string> extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  protected readonly weightIh: Variable;
  protected readonly weightHh: Variable;
  protected readonly biasIh?: Variable;
  protected readonly biasHh?: Variable;

  protected constructor(
    private readonly kindName: string,
    gateCount: number,
    private readonly recurrentBiasInStep: boolean,
    private readonly step: StepFunction<Gate>,
    options: RecurrentCellOptions,
  ) {
    super();
    requirePositiveIntegers(`new ${kindName}`, options, ['inputSize', 'hiddenSize']);
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.bias = options.bias ?? true;
    const random = seededRandom(options.seed ?? freshSeed());
    const bound = 1 / Math.sqrt(this.hiddenSize);
    const rows = gateCount * this.hiddenSize;
    const init = (shape: [number] | [number, number]) =>
      tf.tensor(
        uniformValues(
          random,
          shape.reduce((a, b) => a * b, 1),
          bound,
        ),
        shape,
      );
    this.weightIh = this.registerParameter('weight_ih', init([rows, this.inputSize]));
    this.weightHh = this.registerParameter('weight_hh', init([rows, this.hiddenSize]));
    if (this.bias) {
      this.biasIh = this.registerParameter('bias_ih', init([rows]));
      this.biasHh = this.registerParameter('bias_hh', init([rows]));
    }
  }

  /** Checks `x` `[B, in]` and the state, then runs one step inside a `tidy`. */
  protected runStep(x: Tensor2D, state: Partial<CellState>, withCell: boolean): CellState {
    const where = `${this.kindName}.forward`;
    assertShape(where, 'x', x, ['batch', this.inputSize]);
    const batch = x.shape[0];
    if (state.h) assertShape(where, 'h', state.h, [batch, this.hiddenSize]);
    if (state.c) assertShape(where, 'c', state.c, [batch, this.hiddenSize]);
    return tf.tidy(() => {
      let xGates = linearProduct(x, this.weightIh); // [B, G*H]
      const h = state.h ?? (tf.zeros([batch, this.hiddenSize]) as Tensor2D);
      let hGates = linearProduct(h, this.weightHh); // [B, G*H]
      if (this.biasIh && this.biasHh) {
        xGates = tf.add(xGates, this.biasIh);
        if (this.recurrentBiasInStep) hGates = tf.add(hGates, this.biasHh);
        else xGates = tf.add(xGates, this.biasHh);
      }
      const c = withCell
        ? (state.c ?? (tf.zeros([batch, this.hiddenSize]) as Tensor2D))
        : undefined;
      const next = this.step(xGates, hGates, { h, c }).state;
      return (next.c ? { h: next.h, c: next.c } : { h: next.h }) as unknown as tf.TensorContainer;
    }) as unknown as CellState;
  }
}
