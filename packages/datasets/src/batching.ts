import { shuffled } from './random';

/** A padded batch as typed arrays, row-major `[batch, length]`. */
export interface PaddedBatch {
  /** Int32 ids `[batch * length]` */
  ids: Int32Array;
  /** `[batch, length]` */
  shape: [number, number];
  /** Each row's length before padding (after truncation) */
  lengths: Int32Array;
  /** 1 on real tokens, 0 on padding `[batch * length]` */
  mask: Uint8Array;
}

/** Options of `padBatch`. */
export interface PadOptions {
  /** Id written into padding. Default 0 (`<pad>`). */
  padId?: number;
  /** `'longest'` (default) pads to the batch's longest row; a number pads (and truncates) to it. */
  length?: 'longest' | number;
}

/** Pads `sequences` to one length. */
export function padBatch(
  sequences: ReadonlyArray<ArrayLike<number>>,
  options: PadOptions = {},
): PaddedBatch {
  const padId = options.padId ?? 0;
  const target = options.length ?? 'longest';
  if (target !== 'longest' && !(Number.isInteger(target) && target > 0))
    throw new Error(`padBatch: length must be 'longest' or a positive integer, got ${target}`);
  const length = target === 'longest' ? Math.max(0, ...sequences.map((s) => s.length)) : target;
  const batch = sequences.length;
  const ids = new Int32Array(batch * length).fill(padId);
  const mask = new Uint8Array(batch * length);
  const lengths = new Int32Array(batch);
  sequences.forEach((sequence, b) => {
    const kept = Math.min(sequence.length, length);
    for (let t = 0; t < kept; t++) ids[b * length + t] = sequence[t]!;
    mask.fill(1, b * length, b * length + kept);
    lengths[b] = kept;
  });
  return { ids, shape: [batch, length], lengths, mask };
}

/** Options of `bucketByLength`. */
export interface BucketOptions {
  batchSize: number;
  /** Seed of the order of examples within similar lengths, and of the batches. Default 0. */
  seed?: number;
  /** Examples sorted together before batching; larger = less padding, less randomness. Default 50 batches. */
  poolSize?: number;
}

/**
 * Groups example indices into batches of similar lengths, so padding wastes little work:
 * shuffle, cut into pools, sort each pool by length, cut into batches, shuffle the batches.
 * Deterministic for a seed; every index appears exactly once.
 */
export function bucketByLength(lengths: ArrayLike<number>, options: BucketOptions): number[][] {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`bucketByLength: batchSize must be a positive integer, got ${batchSize}`);
  const seed = options.seed ?? 0;
  const pool = (options.poolSize ?? 50) * batchSize;
  const order = shuffled(
    Array.from({ length: lengths.length }, (_, i) => i),
    seed,
  );
  const batches: number[][] = [];
  for (let from = 0; from < order.length; from += pool) {
    const sorted = order
      .slice(from, from + pool)
      .sort((a, b) => lengths[a]! - lengths[b]! || a - b);
    for (let i = 0; i < sorted.length; i += batchSize) batches.push(sorted.slice(i, i + batchSize));
  }
  return shuffled(batches, seed + 1);
}

/**
 * Splits items deterministically by a hash of their key: the same item always lands in the same
 * split, whatever else is in the data (see `hashSplit`).
 */
export function splitBy<T>(
  items: readonly T[],
  assign: (item: T) => 'train' | 'dev' | 'test',
): Record<'train' | 'dev' | 'test', T[]> {
  const out: Record<'train' | 'dev' | 'test', T[]> = { train: [], dev: [], test: [] };
  for (const item of items) out[assign(item)].push(item);
  return out;
}
