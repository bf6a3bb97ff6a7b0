import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { linearProduct } from './fast-matmul';
import { Module } from './module';
import { requirePositiveIntegers } from './require-sizes';
import { freshSeed, seededRandom, uniformValues } from './seeded-random';

/** Options of `new Linear`, as `torch.nn.Linear(in_features, out_features, bias)`. */
export interface LinearOptions {
  inFeatures: number;
  outFeatures: number;
  /** Add a learned bias. Default `true`, as in PyTorch. */
  bias?: boolean;
  /** Seed for initialisation; omit for a fresh random one. */
  seed?: number;
}

/**
 * `y = x Wᵀ + b`, `torch.nn.Linear`: `weight` `[out, in]`, `bias` `[out]`, both initialised from
 * U(-1/√in, 1/√in) as PyTorch's default initialisation works out to.
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Variable;
  readonly bias?: Variable;

  constructor(options: LinearOptions) {
    super();
    requirePositiveIntegers('new Linear', options, ['inFeatures', 'outFeatures']);
    this.inFeatures = options.inFeatures;
    this.outFeatures = options.outFeatures;
    const random = seededRandom(options.seed ?? freshSeed());
    const bound = 1 / Math.sqrt(this.inFeatures);
    const count = this.outFeatures * this.inFeatures;
    this.weight = this.registerParameter(
      'weight',
      tf.tensor2d(uniformValues(random, count, bound), [this.outFeatures, this.inFeatures]),
    );
    if (options.bias ?? true) {
      this.bias = this.registerParameter(
        'bias',
        tf.tensor1d(uniformValues(random, this.outFeatures, bound)),
      );
    }
  }

  /** @param x `[..., inFeatures]` @returns `[..., outFeatures]` */
  forward<T extends Tensor>(x: T): T {
    const last = x.shape[x.rank - 1];
    if (x.rank < 1 || last !== this.inFeatures) {
      throw new Error(
        `Linear.forward: x must be [..., ${this.inFeatures}], got [${x.shape.join(', ')}]`,
      );
    }
    return tf.tidy(() => {
      const rows = x.rank === 2 ? x : tf.reshape(x, [-1, this.inFeatures]);
      const y = linearProduct(rows as tf.Tensor2D, this.weight, this.bias);
      return (x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.outFeatures])) as T;
    });
  }
}
