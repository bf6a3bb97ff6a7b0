import type { Example } from './batch';
import type { ResolvedConfig } from './config';
import { describeValue } from './option-checks';

/**
 * Checks on token-id input, run before any tensor is made, so that a refusal names the first
 * bad value (`sources[1] holds 11, expected token ids in [0, 11)`) and frees nothing because it
 * allocated nothing. For `fit` they run over the whole data set at the start, not at the step
 * that happens to draw the bad example.
 */
export function checkTokenIds(
  where: string,
  what: string,
  ids: unknown,
  vocabSize: number,
  allowEmpty: boolean,
): void {
  if (!Array.isArray(ids)) {
    const hint =
      typeof ids === 'number' ? '; a batch of one source is [[3, 4, 5]], not [3, 4, 5]' : '';
    throw new Error(
      `${where}: ${what} must be an array of token ids, got ${describeValue(ids)}${hint}`,
    );
  }
  if (!allowEmpty && ids.length === 0)
    throw new Error(`${where}: ${what} is empty; every source needs at least one token`);
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize)
      throw new Error(
        `${where}: ${what} holds ${describeValue(id)}, expected token ids in [0, ${vocabSize})`,
      );
  }
}

/** A batch of source sequences: a non-empty array of non-empty id arrays in the source vocabulary. */
export function checkSources(where: string, config: ResolvedConfig, sources: unknown): void {
  if (!Array.isArray(sources)) {
    const hint =
      (sources as { shape?: unknown } | null)?.shape !== undefined
        ? '; pass the ids as arrays (tensor.arraySync())'
        : '';
    throw new Error(
      `${where}: sources must be an array of token-id arrays, got ${describeValue(sources)}${hint}`,
    );
  }
  if (sources.length === 0)
    throw new Error(`${where}: expected at least one source sequence, got none`);
  for (const [i, ids] of sources.entries())
    checkTokenIds(where, `sources[${i}]`, ids, config.sourceVocabSize, false);
}

/** Training or validation pairs: a non-empty source and a (possibly empty) target each. */
export function checkExamples(
  where: string,
  name: string,
  config: ResolvedConfig,
  examples: unknown,
): asserts examples is Example[] {
  if (!Array.isArray(examples) || examples.length === 0)
    throw new Error(
      `${where}: ${name} must hold at least one example, got ${describeValue(examples)}`,
    );
  examples.forEach((example, i) => {
    if (example === null || typeof example !== 'object')
      throw new Error(
        `${where}: ${name}[${i}] must be { source, target }, got ${describeValue(example)}`,
      );
    const { source, target } = example as Partial<Example>;
    checkTokenIds(where, `${name}[${i}].source`, source, config.sourceVocabSize, false);
    checkTokenIds(where, `${name}[${i}].target`, target, config.targetVocabSize, true);
  });
}
