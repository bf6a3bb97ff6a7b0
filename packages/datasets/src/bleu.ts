import { BLEU_TOKENIZERS, type BleuTokenizer, tokenizeForBleu } from './bleu-tokenizers';
import { stripTrailingWhitespace } from './python-whitespace';
import {
  checkBoolean,
  checkHypothesesAndReferences,
  checkInteger,
  checkKnownOptions,
  describeValue,
} from './text-metric-checks';

/**
 * How BLEU treats an n-gram order with no match (Chen & Cherry 2014, "A Systematic Comparison of
 * Smoothing Techniques for Sentence-Level BLEU"):
 * - `exp`: method 3, mteval-v13a's — the k-th order without a match counts as 1 / (2^k · total);
 * - `floor`: method 1 — a zero count becomes `smoothValue` (default 0.1);
 * - `add-k`: method 2 — `smoothValue` (default 1) added to matches and totals of orders ≥ 2;
 * - `none`: a zero precision makes the score 0.
 */
export type BleuSmoothing = 'exp' | 'floor' | 'add-k' | 'none';

/** How `corpusBleu` and `sentenceBleu` tokenize, smooth and average; each default is sacreBLEU's. */
export interface BleuOptions {
  /** Default `'13a'`, sacreBLEU's default and the WMT standard (see `BleuTokenizer`). */
  tokenize?: BleuTokenizer;
  /** Lower-case hypotheses and references first. Default false: BLEU is case-sensitive. */
  lowercase?: boolean;
  /** Default `'exp'`, sacreBLEU's default for both corpus and sentence BLEU. */
  smoothing?: BleuSmoothing;
  /** For `floor` (default 0.1) and `add-k` (default 1), Chen & Cherry's values; ≥ 0. */
  smoothValue?: number;
  /** Longest n-gram counted. Default 4 (Papineni et al. 2002). */
  maxOrder?: number;
  /**
   * Average only over the orders that the hypotheses have n-grams of (so a 3-word sentence is
   * not 0 for lacking 4-grams). Default false for `corpusBleu`, true for `sentenceBleu`, as in
   * sacreBLEU.
   */
  effectiveOrder?: boolean;
}

/** BLEU's sufficient statistics; they add up over segments. */
export interface BleuStatistics {
  /** Tokens in the hypotheses. */
  hypothesisLength: number;
  /** Σ over segments of the reference length closest to the hypothesis's (the shorter on a tie). */
  referenceLength: number;
  /** matches[n - 1]: clipped n-gram matches (each n-gram at most as often as in one reference). */
  matches: number[];
  /** totals[n - 1]: n-grams in the hypotheses. */
  totals: number[];
}

/** A BLEU score with the statistics and precisions it came from (what sacreBLEU prints). */
export interface BleuScore extends BleuStatistics {
  /** BLEU in [0, 100], as sacreBLEU reports it. */
  score: number;
  /** precisions[n - 1] in [0, 100], after smoothing. */
  precisions: number[];
  /** exp(1 − r/c) when the hypotheses are shorter than the references (c < r), else 1. */
  brevityPenalty: number;
  /** hypothesisLength / referenceLength (0 when there are no reference tokens). */
  ratio: number;
}

const SMOOTHINGS: readonly BleuSmoothing[] = ['exp', 'floor', 'add-k', 'none'];
const KNOWN = ['tokenize', 'lowercase', 'smoothing', 'smoothValue', 'maxOrder', 'effectiveOrder'];

type Resolved = Required<BleuOptions>;

function resolveOptions(where: string, options: BleuOptions, effectiveOrder: boolean): Resolved {
  checkKnownOptions(where, options, KNOWN);
  if (options.tokenize !== undefined && !BLEU_TOKENIZERS.includes(options.tokenize))
    throw new Error(
      `${where}: tokenize must be one of ${BLEU_TOKENIZERS.join(', ')}, got ${describeValue(options.tokenize)}`,
    );
  if (options.smoothing !== undefined && !SMOOTHINGS.includes(options.smoothing))
    throw new Error(
      `${where}: smoothing must be one of ${SMOOTHINGS.join(', ')}, got ${describeValue(options.smoothing)}`,
    );
  const smoothing = options.smoothing ?? 'exp';
  const smoothValue = options.smoothValue ?? (smoothing === 'add-k' ? 1 : 0.1);
  if (!(typeof smoothValue === 'number' && Number.isFinite(smoothValue) && smoothValue >= 0))
    throw new Error(
      `${where}: smoothValue must be a finite number ≥ 0, got ${describeValue(smoothValue)}`,
    );
  checkInteger(where, 'maxOrder', options.maxOrder, 1);
  checkBoolean(where, 'lowercase', options.lowercase);
  checkBoolean(where, 'effectiveOrder', options.effectiveOrder);
  return {
    tokenize: options.tokenize ?? '13a',
    lowercase: options.lowercase ?? false,
    smoothing,
    smoothValue,
    maxOrder: options.maxOrder ?? 4,
    effectiveOrder: options.effectiveOrder ?? effectiveOrder,
  };
}

function tokens(line: string, options: Resolved): string[] {
  const text = options.lowercase ? line.toLowerCase() : line;
  return tokenizeForBleu(stripTrailingWhitespace(text), options.tokenize);
}

/** Counts of every n-gram of `words` with 1 ≤ n ≤ maxOrder, keyed by the words joined by a space. */
function countNgrams(words: readonly string[], maxOrder: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++)
    for (let i = 0; i + n <= words.length; i++) {
      const key = words.slice(i, i + n).join(' ');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  return counts;
}

/** The closest reference length to `length`; on a tie the shorter. */
function closestLength(length: number, candidates: readonly number[]): number {
  let best = candidates[0]!;
  for (const candidate of candidates) {
    const distance = Math.abs(length - candidate);
    const bestDistance = Math.abs(length - best);
    if (distance < bestDistance || (distance === bestDistance && candidate < best))
      best = candidate;
  }
  return best;
}

/** One segment's statistics: its hypothesis against its references. */
function segmentStatistics(
  hypothesis: string,
  references: readonly string[],
  options: Resolved,
): BleuStatistics {
  const words = tokens(hypothesis, options);
  const referenceCounts = new Map<string, number>();
  const referenceLengths: number[] = [];
  for (const reference of references) {
    const referenceWords = tokens(reference, options);
    referenceLengths.push(referenceWords.length);
    // An n-gram may match as often as it occurs in the reference that has it most.
    for (const [ngram, count] of countNgrams(referenceWords, options.maxOrder))
      referenceCounts.set(ngram, Math.max(referenceCounts.get(ngram) ?? 0, count));
  }
  const matches = new Array<number>(options.maxOrder).fill(0);
  const totals = new Array<number>(options.maxOrder).fill(0);
  for (const [ngram, count] of countNgrams(words, options.maxOrder)) {
    const n = ngram.split(' ').length;
    totals[n - 1]! += count;
    matches[n - 1]! += Math.min(count, referenceCounts.get(ngram) ?? 0);
  }
  return {
    hypothesisLength: words.length,
    referenceLength: closestLength(words.length, referenceLengths),
    matches,
    totals,
  };
}

function checkStatistics(where: string, statistics: unknown, maxOrder: number): void {
  const counts = (v: unknown) => Number.isFinite(v) && (v as number) >= 0;
  const s = statistics as Partial<BleuStatistics> | null;
  if (typeof s !== 'object' || s === null)
    throw new Error(`${where}: statistics must be an object, got ${describeValue(statistics)}`);
  for (const name of ['hypothesisLength', 'referenceLength'] as const)
    if (!counts(s[name]))
      throw new Error(
        `${where}: statistics.${name} must be a number ≥ 0, got ${describeValue(s[name])}`,
      );
  for (const name of ['matches', 'totals'] as const) {
    const list = s[name];
    if (!Array.isArray(list) || list.length < maxOrder || !list.every(counts))
      throw new Error(
        `${where}: statistics.${name} must hold ${maxOrder} numbers ≥ 0 (one per order), got ${describeValue(list)}`,
      );
  }
}

/**
 * BLEU from statistics (Papineni et al. 2002): brevity penalty × the geometric mean of the
 * smoothed n-gram precisions, in [0, 100]; sacreBLEU's `BLEU.compute_bleu`.
 */
export function bleuFromStatistics(
  statistics: BleuStatistics,
  options: BleuOptions = {},
): BleuScore {
  const resolved = resolveOptions('bleuFromStatistics', options, false);
  checkStatistics('bleuFromStatistics', statistics, resolved.maxOrder);
  const { hypothesisLength: c, referenceLength: r } = statistics;
  const { maxOrder, smoothing, smoothValue } = resolved;
  const brevityPenalty = c < r ? (c > 0 ? Math.exp(1 - r / c) : 0) : 1;
  const precisions = new Array<number>(maxOrder).fill(0);
  const result = (score: number): BleuScore => ({
    ...statistics,
    matches: [...statistics.matches],
    totals: [...statistics.totals],
    score,
    precisions,
    brevityPenalty,
    ratio: r > 0 ? c / r : 0,
  });
  // No match at all is 0 whatever the smoothing.
  if (!statistics.matches.slice(0, maxOrder).some((m) => m > 0)) return result(0);
  let order = maxOrder;
  let halvings = 1;
  for (let n = 1; n <= maxOrder; n++) {
    let matched = statistics.matches[n - 1] ?? 0;
    let total = statistics.totals[n - 1] ?? 0;
    if (smoothing === 'add-k' && n > 1) {
      matched += smoothValue;
      total += smoothValue;
    }
    if (total === 0) break; // this and the longer orders stay 0 (or out, with effectiveOrder)
    if (resolved.effectiveOrder) order = n;
    if (matched > 0) precisions[n - 1] = (100 * matched) / total;
    else if (smoothing === 'exp') {
      halvings *= 2;
      precisions[n - 1] = 100 / (halvings * total);
    } else if (smoothing === 'floor') precisions[n - 1] = (100 * smoothValue) / total;
  }
  let logSum = 0;
  for (const p of precisions.slice(0, order))
    logSum += p > 0 ? Math.log(p) : Number.NEGATIVE_INFINITY;
  return result(brevityPenalty * Math.exp(logSum / order));
}

/** Adds up each segment's statistics. */
function sumStatistics(segments: readonly BleuStatistics[], maxOrder: number): BleuStatistics {
  const sum: BleuStatistics = {
    hypothesisLength: 0,
    referenceLength: 0,
    matches: new Array<number>(maxOrder).fill(0),
    totals: new Array<number>(maxOrder).fill(0),
  };
  for (const segment of segments) {
    sum.hypothesisLength += segment.hypothesisLength;
    sum.referenceLength += segment.referenceLength;
    for (let n = 0; n < maxOrder; n++) {
      sum.matches[n]! += segment.matches[n]!;
      sum.totals[n]! += segment.totals[n]!;
    }
  }
  return sum;
}

/**
 * Corpus BLEU as sacreBLEU computes it (`sacrebleu.corpus_bleu`): statistics summed over all
 * segments, then one score, with 13a tokenization and `exp` smoothing by default.
 * `references[i]` holds the references of `hypotheses[i]`, one or more (sacreBLEU takes the
 * transpose: one stream per reference). Length n in, one score out.
 * @throws when the lengths differ, an entry is not a string, a hypothesis has no reference, or an
 *   option is unknown or out of range
 */
export function corpusBleu(
  hypotheses: readonly string[],
  references: ReadonlyArray<readonly string[]>,
  options: BleuOptions = {},
): BleuScore {
  const resolved = resolveOptions('corpusBleu', options, false);
  checkHypothesesAndReferences('corpusBleu', hypotheses, references);
  const segments = hypotheses.map((h, i) => segmentStatistics(h, references[i]!, resolved));
  return bleuFromStatistics(sumStatistics(segments, resolved.maxOrder), resolved);
}

/**
 * Sentence BLEU as sacreBLEU's `sentence_bleu`: one hypothesis against its references, with
 * `exp` smoothing and `effectiveOrder` on by default. BLEU is a corpus metric; average sentence
 * scores only for a rough per-example view.
 */
export function sentenceBleu(
  hypothesis: string,
  references: readonly string[],
  options: BleuOptions = {},
): BleuScore {
  const resolved = resolveOptions('sentenceBleu', options, true);
  checkHypothesesAndReferences('sentenceBleu', [hypothesis], [references]);
  return bleuFromStatistics(segmentStatistics(hypothesis, references, resolved), resolved);
}
