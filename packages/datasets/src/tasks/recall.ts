import { checkTaskOptions, generate, type TaskOptions, type TextExample } from './task-options';

export interface RecallTaskOptions extends TaskOptions {
  /** Distinct keys to remember (`K0`, `K1`, …). Default 8. */
  keys?: number;
  /** Distinct distractor tokens (`x0`, `x1`, …). Default 8. */
  distractors?: number;
}

/**
 * Long-range recall — the seed's "the clouds are in the ___": a key comes first, then N
 * distractors, then `?`; the target is the key. Length = N, the distance to remember across.
 * `[K3, x1, x7, …, x2, ?]` → `[K3]`.
 */
export function recallTask(options: RecallTaskOptions): TextExample[] {
  checkTaskOptions('recallTask', options);
  const keys = options.keys ?? 8;
  const distractors = options.distractors ?? 8;
  for (const [name, value] of [
    ['keys', keys],
    ['distractors', distractors],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`recallTask: ${name} must be a positive integer, got ${value}`);
  }
  return generate(options, (random, length) => {
    const key = `K${Math.floor(random() * keys)}`;
    const middle = Array.from({ length }, () => `x${Math.floor(random() * distractors)}`);
    return { source: [key, ...middle, '?'], target: [key] };
  });
}
