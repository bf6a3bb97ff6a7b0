import type { Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedConfig } from './config';

/** One training pair of token ids, without BOS or EOS (the model adds them). */
export interface Example {
  source: readonly number[];
  target: readonly number[];
}

/** Padded source ids and what goes with them. */
export interface SourceBatch {
  /** int32 `[B, S]`, padded with `padId` (reversed within each length when `reverseSource`) */
  source: Tensor2D;
  /** Each source's length, 1..S */
  lengths: Int32Array;
  /** float32 `[B, S]`: 1 on real positions */
  mask: Tensor2D;
}

/** A training batch: the source, and the target shifted for teacher forcing. */
export interface TrainingBatch extends SourceBatch {
  /** int32 `[B, T]`: BOS y1 … yn, then padding */
  targetInput: Tensor2D;
  /** int32 `[B, T]`: y1 … yn EOS, then padding */
  targetOutput: Tensor2D;
  /** float32 `[B, T]`: 1 where `targetOutput` is a real token (EOS included) */
  targetMask: Tensor2D;
  /** Number of real target tokens, EOS included */
  targetTokens: number;
}

function checkIds(
  where: string,
  what: string,
  ids: readonly number[],
  vocabSize: number,
  index: number,
): void {
  if (!Array.isArray(ids))
    throw new Error(`${where}: ${what}[${index}] must be an array of token ids, got ${typeof ids}`);
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new Error(
        `${where}: ${what}[${index}] holds ${id}, expected token ids in [0, ${vocabSize})`,
      );
    }
  }
}

/** Pads and checks source sequences (each non-empty, ids in the source vocabulary). */
export function makeSourceBatch(
  config: ResolvedConfig,
  sources: ReadonlyArray<readonly number[]>,
  where = 'Seq2Seq',
): SourceBatch {
  if (sources.length === 0)
    throw new Error(`${where}: expected at least one source sequence, got none`);
  sources.forEach((ids, i) => {
    checkIds(where, 'sources', ids, config.sourceVocabSize, i);
    if (ids.length === 0)
      throw new Error(`${where}: sources[${i}] is empty; every source needs at least one token`);
  });
  const steps = sources.reduce((longest, s) => Math.max(longest, s.length), 0);
  const ids = new Int32Array(sources.length * steps).fill(config.padId);
  const mask = new Float32Array(sources.length * steps);
  const lengths = new Int32Array(sources.length);
  sources.forEach((sequence, b) => {
    const ordered = config.reverseSource ? [...sequence].reverse() : sequence;
    ids.set(ordered, b * steps);
    mask.fill(1, b * steps, b * steps + sequence.length);
    lengths[b] = sequence.length;
  });
  return {
    source: tf.tensor2d(ids, [sources.length, steps], 'int32'),
    lengths,
    mask: tf.tensor2d(mask, [sources.length, steps]),
  };
}

/** Pads a batch of examples for teacher-forced training. */
export function makeTrainingBatch(
  config: ResolvedConfig,
  examples: readonly Example[],
  where = 'Seq2Seq',
): TrainingBatch {
  // Targets are checked before the source tensors exist, so a refused batch leaks nothing.
  for (const [i, e] of examples.entries())
    checkIds(where, 'targets', e.target, config.targetVocabSize, i);
  const source = makeSourceBatch(
    config,
    examples.map((e) => e.source),
    where,
  );
  const steps = examples.reduce((longest, e) => Math.max(longest, e.target.length), 0) + 1;
  const input = new Int32Array(examples.length * steps).fill(config.padId);
  const output = new Int32Array(examples.length * steps).fill(config.padId);
  const mask = new Float32Array(examples.length * steps);
  let targetTokens = 0;
  examples.forEach(({ target }, b) => {
    input[b * steps] = config.bosId;
    input.set(target, b * steps + 1);
    output.set(target, b * steps);
    output[b * steps + target.length] = config.eosId;
    mask.fill(1, b * steps, b * steps + target.length + 1);
    targetTokens += target.length + 1;
  });
  return {
    ...source,
    targetInput: tf.tensor2d(input, [examples.length, steps], 'int32'),
    targetOutput: tf.tensor2d(output, [examples.length, steps], 'int32'),
    targetMask: tf.tensor2d(mask, [examples.length, steps]),
    targetTokens,
  };
}

/** Frees a batch's tensors. */
export function disposeBatch(batch: SourceBatch | TrainingBatch): void {
  tf.dispose(Object.values(batch).filter((v): v is tf.Tensor => v instanceof tf.Tensor));
}
