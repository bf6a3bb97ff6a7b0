import { recallTask } from '@gated/datasets';

/** Keys to remember and distractor tokens of the demo's recall task. */
export const RECALL_KEYS = 4;
export const RECALL_DISTRACTORS = 6;

/** The fixed vocabulary: keys `K0…`, distractors `x0…`, the query `?`. Id = index. */
export const RECALL_TOKENS: readonly string[] = [
  ...Array.from({ length: RECALL_KEYS }, (_, i) => `K${i}`),
  ...Array.from({ length: RECALL_DISTRACTORS }, (_, i) => `x${i}`),
  '?',
];

const ids = new Map(RECALL_TOKENS.map((token, id) => [token, id]));

/** One batch of recall examples of a single distance, as token ids and key labels. */
export interface RecallBatch {
  /** `[count][distance + 2]` ids: key, distractors, `?`. */
  tokens: number[][];
  /** The key's index, 0 … RECALL_KEYS − 1. */
  labels: number[];
}

/** `count` examples with `distance` distractors between the key and the question. */
export function recallBatch(count: number, distance: number, seed: number): RecallBatch {
  const examples = recallTask({
    count,
    minLength: distance,
    maxLength: distance,
    keys: RECALL_KEYS,
    distractors: RECALL_DISTRACTORS,
    seed,
  });
  return {
    tokens: examples.map((e) => e.source.map((t) => ids.get(t) ?? 0)),
    labels: examples.map((e) => Number((e.target[0] ?? 'K0').slice(1))),
  };
}

/**
 * Parses what a user types, e.g. `K2 x1 x4 x0 ?` (the `?` may be left out), into token ids.
 * @throws Error naming the first token that is not in the vocabulary
 */
export function parseRecallSequence(text: string): number[] {
  const tokens = text
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean);
  if (tokens.length === 0) throw new Error('Type a sequence such as "K2 x1 x4 x0 ?"');
  if (tokens[tokens.length - 1] !== '?') tokens.push('?');
  return tokens.map((token, i) => {
    const id = ids.get(token);
    if (id === undefined)
      throw new Error(
        `Token ${i + 1} is "${token}"; expected one of K0–K${RECALL_KEYS - 1}, x0–x${RECALL_DISTRACTORS - 1} or ?`,
      );
    return id;
  });
}
