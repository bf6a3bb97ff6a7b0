import { type Random, randomInt, seededRandom } from '../random';

/** A sequence-to-sequence example as tokens; build a `Vocab` over them to get ids. */
export interface TextExample {
  source: string[];
  target: string[];
}

/** What every generated task takes. */
export interface TaskOptions {
  /** Examples to generate. */
  count: number;
  /** Shortest length (what "length" means is documented per task). */
  minLength: number;
  /** Longest length, included. */
  maxLength: number;
  /** Same seed, same examples. Default 0. */
  seed?: number;
}

/** Checks the shared options; `floor` is the smallest `minLength` the task can do. */
export function checkTaskOptions(task: string, options: TaskOptions, floor = 1): void {
  const { count, minLength, maxLength } = options ?? ({} as TaskOptions);
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`${task}: count must be a non-negative integer, got ${count}`);
  if (!Number.isInteger(minLength) || minLength < floor)
    throw new Error(`${task}: minLength must be an integer ≥ ${floor}, got ${minLength}`);
  if (!Number.isInteger(maxLength) || maxLength < minLength)
    throw new Error(
      `${task}: maxLength must be an integer ≥ minLength (${minLength}), got ${maxLength}`,
    );
}

/** `count` examples, each from `make(random, length)` with a length drawn uniformly from the range. */
export function generate<T>(
  options: TaskOptions,
  make: (random: Random, length: number) => T,
): T[] {
  const random = seededRandom(options.seed ?? 0);
  return Array.from({ length: options.count }, () =>
    make(random, randomInt(random, options.minLength, options.maxLength)),
  );
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The first `size` symbols of a-z, A-Z, 0-9 (at most 62). */
export function symbols(task: string, size: number): string[] {
  if (!Number.isInteger(size) || size < 2 || size > ALPHABET.length) {
    throw new Error(
      `${task}: vocabularySize must be an integer in [2, ${ALPHABET.length}], got ${size}`,
    );
  }
  return Array.from(ALPHABET.slice(0, size));
}
