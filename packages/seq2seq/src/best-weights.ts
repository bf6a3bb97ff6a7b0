import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * A copy of the weights at the best evaluation so far, kept in memory during `fit` so that a
 * run stopped early (or for divergence) can hand back the best model it had instead of its
 * last one. Costs one copy of the parameters (Adam already keeps two).
 */
export class BestWeights {
  private copies = new Map<string, Tensor>();
  /** The step the copy was taken at, and the metric value (lower is better). */
  step = -1;
  value = Number.NaN;

  get empty(): boolean {
    return this.copies.size === 0;
  }

  capture(named: ReadonlyArray<[string, Variable]>, step: number, value: number): void {
    this.dispose();
    for (const [name, variable] of named) this.copies.set(name, tf.clone(variable));
    this.step = step;
    this.value = value;
  }

  /** Writes the copy back into the model's variables. */
  restoreInto(named: ReadonlyArray<[string, Variable]>): void {
    for (const [name, variable] of named) {
      const copy = this.copies.get(name);
      if (copy) variable.assign(copy);
    }
  }

  dispose(): void {
    tf.dispose([...this.copies.values()]);
    this.copies.clear();
  }
}
