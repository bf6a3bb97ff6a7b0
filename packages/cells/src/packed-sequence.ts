import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { gatherRows } from './matrix-product';

/** Sequence lengths, one per batch element, as numbers or an int32 tensor. */
export type Lengths = ArrayLike<number> | Tensor1D;

/**
 * What a layer needs to give a padded batch PyTorch's packed-sequence meaning:
 * which steps are real, and how to reverse each sequence within its own length.
 */
export interface PackedSequence {
  /** `[T, B, 1]`: 1 where step t is within sequence b's length, else 0. */
  mask: Tensor3D;
  /** `[T*B]`: row of a `[T*B, F]` view holding step `len-1-t` of each sequence (padding stays put). */
  reverseIndex: Tensor1D;
}

/**
 * Reads and checks `lengths` against a batch of `batch` sequences of `steps` steps.
 * @throws naming the first length that is not an integer in [1, steps].
 */
export function readLengths(
  where: string,
  lengths: Lengths,
  steps: number,
  batch: number,
): Int32Array {
  const values = lengths instanceof tf.Tensor ? (lengths as Tensor).dataSync() : lengths;
  if (lengths instanceof tf.Tensor && lengths.rank !== 1) {
    throw new Error(
      `${where}: lengths must be a 1-D tensor of ${batch}, got shape [${lengths.shape}]`,
    );
  }
  if (values.length !== batch) {
    throw new Error(
      `${where}: lengths must have one entry per sequence (${batch}), got ${values.length}`,
    );
  }
  const read = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const length = values[b]!;
    if (!Number.isInteger(length) || length < 1 || length > steps) {
      throw new Error(
        `${where}: lengths[${b}] must be an integer in [1, ${steps}] (the sequence length), got ${length}`,
      );
    }
    read[b] = length;
  }
  return read;
}

/** Builds the mask and reversal index for `lengths` (already checked) over `steps` steps. */
export function packSequence(lengths: Int32Array, steps: number): PackedSequence {
  const batch = lengths.length;
  const mask = new Float32Array(steps * batch);
  const reverseIndex = new Int32Array(steps * batch);
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const length = lengths[b]!;
      const valid = t < length;
      mask[t * batch + b] = valid ? 1 : 0;
      reverseIndex[t * batch + b] = (valid ? length - 1 - t : t) * batch + b;
    }
  }
  return {
    mask: tf.tensor3d(mask, [steps, batch, 1]),
    reverseIndex: tf.tensor1d(reverseIndex, 'int32'),
  };
}

/**
 * Reverses a time-major sequence `[T, B, F]` along time; with `packed`, each sequence only
 * within its own length, padding left where it is. Applying it twice gives the input back.
 */
export function reverseTime(sequence: Tensor3D, packed?: PackedSequence): Tensor3D {
  if (!packed) return tf.reverse(sequence, 0);
  const [steps, batch, features] = sequence.shape;
  const rows = tf.reshape(sequence, [steps * batch, features]) as Tensor2D;
  return tf.reshape(permuteRows(rows, packed.reverseIndex), [steps, batch, features]);
}

/**
 * `gather(rows, index)` for an `index` that is its own inverse, as a reversal is: the gradient
 * is the same permutation of `dy`. Written out because tfjs's gather gradient needs
 * UnsortedSegmentSum, which the wasm backend lacks.
 */
const permuteRows = tf.customGrad(((...args: unknown[]) => {
  const [rows, index, save] = args as [Tensor2D, Tensor1D, tf.GradSaveFunc];
  save([index]);
  return {
    value: gatherRows(rows, index),
    gradFunc: (dy: Tensor, [savedIndex]: Tensor[]) => [
      gatherRows(dy as Tensor2D, savedIndex as Tensor1D),
      tf.zeros(savedIndex!.shape),
    ],
  };
}) as never) as (rows: Tensor2D, index: Tensor1D) => Tensor2D;
