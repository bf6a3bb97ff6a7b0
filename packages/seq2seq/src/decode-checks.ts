import { checkInteger, checkNumber, checkOptionKeys, describeValue } from './option-checks';
import type { Seq2Seq } from './seq2seq';
import { checkSources } from './token-checks';

/**
 * Far above any useful beam (NMT uses 4–12; wider beams score worse, Koehn & Knowles 2017),
 * yet small enough that beam × vocabulary candidates per step stay sortable: its job is to turn
 * a slip like 1e9 into a sentence instead of an allocation failure deep in tfjs.
 */
export const MAX_BEAM_SIZE = 1000;

/** Names of the keys each decoder takes, so that a typo is refused instead of ignored. */
const GREEDY_KEYS = ['maxLength'];
const BEAM_KEYS = ['beamSize', 'alpha', 'nBest', 'maxLength'];
const EXPLAIN_KEYS = ['maxLength', 'prefix', 'topK'];
const BEAM_ONLY = 'greedy decoding has no beam; call beamSearch';
const GREEDY_HINTS = { beamSize: BEAM_ONLY, nBest: BEAM_ONLY, alpha: BEAM_ONLY };
const BEAM_HINTS = { lengthPenalty: "the length penalty's exponent is alpha" };

/** Refuses anything that does not look like a `Seq2Seq` (duck-typed: two copies of the package may meet). */
export function checkModel(where: string, model: unknown): asserts model is Seq2Seq {
  const m = model as Partial<Seq2Seq> | null | undefined;
  if (typeof m?.encode !== 'function' || typeof m.step !== 'function' || !m.config)
    throw new Error(`${where}: model must be a Seq2Seq, got ${describeValue(model)}`);
}

/**
 * Everything a decode call is given, checked before anything is allocated: the model, its
 * special ids, the sources (`[B][S_b]` token ids, B ≥ 1, S_b ≥ 1) and the options.
 */
function checkDecodeCall(
  where: string,
  model: Seq2Seq,
  sources: unknown,
  options: unknown,
  keys: readonly string[],
  hints: Record<string, string>,
): void {
  checkModel(where, model);
  const { config } = model;
  for (const name of ['bosId', 'eosId', 'padId'] as const) {
    const id = config[name];
    if (!Number.isInteger(id) || id < 0 || id >= config.targetVocabSize)
      throw new Error(
        `${where}: model.config.${name} must be a target token id in [0, ${config.targetVocabSize}), got ${describeValue(id)}`,
      );
  }
  checkOptionKeys(where, 'options', options, keys, hints);
  if (options.maxLength !== undefined) checkInteger(where, 'maxLength', options.maxLength, 1);
  checkSources(where, config, sources);
}

export function checkGreedyCall(model: Seq2Seq, sources: unknown, options: unknown): void {
  checkDecodeCall('greedyDecode', model, sources, options, GREEDY_KEYS, GREEDY_HINTS);
}

/** Also `beamSize` in [1, MAX_BEAM_SIZE], `alpha` finite ≥ 0, `nBest` in [1, beamSize]. */
export function checkBeamCall(model: Seq2Seq, sources: unknown, options: unknown): void {
  const where = 'beamSearch';
  checkDecodeCall(where, model, sources, options, BEAM_KEYS, BEAM_HINTS);
  const { beamSize = 5, alpha, nBest } = options as Record<string, unknown>;
  checkInteger(where, 'beamSize', beamSize, 1);
  if (beamSize > MAX_BEAM_SIZE)
    throw new Error(`${where}: beamSize must be at most ${MAX_BEAM_SIZE}, got ${beamSize}`);
  if (alpha !== undefined)
    checkNumber(where, 'alpha (the length penalty exponent)', alpha, (v) => v >= 0, '≥ 0');
  if (nBest !== undefined) {
    checkInteger(where, 'nBest', nBest, 1);
    if (nBest > beamSize)
      throw new Error(`${where}: nBest must be at most beamSize (${beamSize}), got ${nBest}`);
  }
}

/**
 * One source (`[S]` ids), `topK` in [1, targetVocabSize], and `prefix`: target ids other than
 * BOS and pad, EOS only last, no longer than `maxLength` (+ 1 for a final EOS) when that is given.
 */
export function checkExplainCall(model: Seq2Seq, source: unknown, options: unknown): void {
  const where = 'explainDecode';
  checkModel(where, model);
  if (!Array.isArray(source) || (source.length > 0 && Array.isArray(source[0])))
    throw new Error(
      `${where}: source must be one array of token ids, e.g. [3, 4, 5], got ${describeValue(source)}`,
    );
  checkDecodeCall(where, model, [source], options, EXPLAIN_KEYS, GREEDY_HINTS);
  const { config } = model;
  const { prefix, topK, maxLength } = options as Record<string, unknown>;
  if (topK !== undefined) {
    checkInteger(where, 'topK', topK, 1);
    if (topK > config.targetVocabSize)
      throw new Error(
        `${where}: topK must be at most the target vocabulary (${config.targetVocabSize}), got ${topK}`,
      );
  }
  if (prefix === undefined) return;
  if (!Array.isArray(prefix))
    throw new Error(
      `${where}: prefix must be an array of target token ids, got ${describeValue(prefix)}`,
    );
  for (const [i, id] of prefix.entries()) {
    const special = id === config.bosId ? 'BOS' : id === config.padId ? 'pad' : '';
    if (!Number.isInteger(id) || id < 0 || id >= config.targetVocabSize || special)
      throw new Error(
        `${where}: prefix holds ${describeValue(id)}${special ? ` (${special})` : ''}, expected output token ids in [0, ${config.targetVocabSize}) other than BOS and pad`,
      );
    if (id === config.eosId && i !== prefix.length - 1)
      throw new Error(`${where}: prefix has EOS at ${i}, before its end; EOS may only be last`);
  }
  const tokens = prefix.length - (prefix.at(-1) === config.eosId ? 1 : 0);
  if (typeof maxLength === 'number' && tokens > maxLength)
    throw new Error(`${where}: prefix has ${tokens} tokens, more than maxLength (${maxLength})`);
}
