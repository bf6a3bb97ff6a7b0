import type { Tensor, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { gatherRows } from './matrix-product';
import { Module } from './module';
import { requirePositiveIntegers } from './require-sizes';
import { freshSeed, type RandomSource, seededRandom } from './seeded-random';

/** Options of `new Embedding`, as `torch.nn.Embedding(numEmbeddings, embeddingDim, padding_idx)`. */
export interface EmbeddingOptions {
  numEmbeddings: number;
  embeddingDim: number;
  /** Row kept at zero and never updated (the padding token), as PyTorch's `padding_idx`. */
  paddingIdx?: number;
  /** Seed for initialisation; omit for a fresh random one. */
  seed?: number;
}

/**
 * A lookup table, `torch.nn.Embedding`: `weight` `[numEmbeddings, embeddingDim]` drawn from
 * N(0, 1), the `paddingIdx` row zero. Its gradient is a one-hot matmul rather than tfjs's gather
 * gradient, which needs a kernel (UnsortedSegmentSum) the wasm backend lacks.
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx?: number;
  readonly weight: Variable;

  constructor(options: EmbeddingOptions) {
    super();
    requirePositiveIntegers('new Embedding', options, ['numEmbeddings', 'embeddingDim']);
    const { numEmbeddings, embeddingDim, paddingIdx } = options;
    if (
      paddingIdx !== undefined &&
      !(Number.isInteger(paddingIdx) && paddingIdx >= 0 && paddingIdx < numEmbeddings)
    ) {
      throw new Error(
        `new Embedding: paddingIdx must be an integer in [0, ${numEmbeddings}), got ${paddingIdx}`,
      );
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = paddingIdx;
    const values = normalValues(
      seededRandom(options.seed ?? freshSeed()),
      numEmbeddings * embeddingDim,
    );
    if (paddingIdx !== undefined)
      values.fill(0, paddingIdx * embeddingDim, (paddingIdx + 1) * embeddingDim);
    this.weight = this.registerParameter(
      'weight',
      tf.tensor2d(values, [numEmbeddings, embeddingDim]),
    );
  }

  /** @param ids int32 `[...]`, each in `[0, numEmbeddings)` @returns `[..., embeddingDim]` */
  forward(ids: Tensor): Tensor {
    if (ids.dtype !== 'int32')
      throw new Error(`Embedding.forward: ids must be int32, got ${ids.dtype}`);
    return tf.tidy(() => {
      const flat = tf.reshape(ids, [-1]) as Tensor1D;
      const rows = lookup(this.weight, flat, this.numEmbeddings, this.paddingIdx ?? -1);
      return tf.reshape(rows, [...ids.shape, this.embeddingDim]);
    });
  }
}

/** Gather rows; backward, scatter-add `dy` by one-hot matmul, skipping the padding row. */
function lookup(weight: Tensor, ids: Tensor1D, count: number, paddingIdx: number): Tensor2D {
  const gathered = tf.customGrad(((...args: unknown[]) => {
    const [table, indices, save] = args as [Tensor2D, Tensor1D, tf.GradSaveFunc];
    save([indices]);
    return {
      value: gatherRows(table, indices),
      gradFunc: (dy: Tensor, [saved]: Tensor[]) => {
        let hot = tf.oneHot(saved as Tensor1D, count); // [N, V]
        if (paddingIdx >= 0)
          hot = tf.mul(hot, tf.expandDims(tf.cast(tf.notEqual(saved!, paddingIdx), 'int32'), 1));
        return [
          tf.matMul(tf.transpose(tf.cast(hot, 'float32')), dy as Tensor2D), // explicit transpose: faster on wasm
          tf.zeros(saved!.shape), // ids get no gradient; tfjs requires float32 here
        ];
      },
    };
  }) as never) as (table: Tensor, indices: Tensor1D) => Tensor2D;
  return gathered(weight, ids);
}

/** Standard normal draws by Box-Muller from a seeded uniform source. */
function normalValues(random: RandomSource, count: number): Float32Array {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    values[i] = radius * Math.cos(angle);
    if (i + 1 < count) values[i + 1] = radius * Math.sin(angle);
  }
  return values;
}
