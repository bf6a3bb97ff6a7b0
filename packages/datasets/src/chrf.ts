import { removeWhitespace, splitOnWhitespace } from './python-whitespace';
import {
  checkBoolean,
  checkHypothesesAndReferences,
  checkInteger,
  checkKnownOptions,
  describeValue,
} from './text-metric-checks';

/**
 * chrF (Popović 2015, "chrF: character n-gram F-score for automatic MT evaluation") and chrF++
 * (Popović 2017, "chrF++: words helping character n-grams"), as sacreBLEU ≥ 2.0 computes them.
 */
export interface ChrfOptions {
  /** Longest character n-gram. Default 6 (Popović 2015). */
  charOrder?: number;
  /** Longest word n-gram: 0 is chrF, 2 is chrF++ (Popović 2017). Default 0, sacreBLEU's. */
  wordOrder?: number;
  /** Recall weighs β times precision. Default 2 (chrF2, as in WMT16's metrics task). */
  beta?: number;
  /** Lower-case first. Default false: chrF is case-sensitive. */
  lowercase?: boolean;
  /** Keep whitespace inside character n-grams. Default false: it is removed first. */
  whitespace?: boolean;
  /**
   * Average the F-scores of all orders with ε for empty ones (chrF++.py, Moses, NLTK) instead of
   * taking F of the mean precision and recall over the orders both sides have n-grams of
   * (sacreBLEU's default). Default false, as sacreBLEU.
   */
  epsSmoothing?: boolean;
}

/** A chrF score and the settings that name it. */
export interface ChrfScore {
  /** In [0, 100]. */
  score: number;
  /** `chrF2`, `chrF2++`, … as sacreBLEU names it: β, then one `+` per word order. */
  name: string;
  /** The longest character n-gram counted. */
  charOrder: number;
  /** The longest word n-gram counted (0: chrF, 2: chrF++). */
  wordOrder: number;
  /** The β of F_β: recall weighs β times precision. */
  beta: number;
}

type Resolved = Required<ChrfOptions>;
const KNOWN = ['charOrder', 'wordOrder', 'beta', 'lowercase', 'whitespace', 'epsSmoothing'];
/** Python's `string.punctuation`, which chrF++ splits off the ends of words. */
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

function resolveOptions(where: string, options: ChrfOptions): Resolved {
  checkKnownOptions(where, options, KNOWN);
  checkInteger(where, 'charOrder', options.charOrder, 1);
  checkInteger(where, 'wordOrder', options.wordOrder, 0);
  const beta = options.beta ?? 2;
  if (!(typeof beta === 'number' && Number.isFinite(beta) && beta > 0))
    throw new Error(`${where}: beta must be a finite number > 0, got ${describeValue(beta)}`);
  for (const name of ['lowercase', 'whitespace', 'epsSmoothing'] as const)
    checkBoolean(where, name, options[name]);
  return {
    charOrder: options.charOrder ?? 6,
    wordOrder: options.wordOrder ?? 0,
    beta,
    lowercase: options.lowercase ?? false,
    whitespace: options.whitespace ?? false,
    epsSmoothing: options.epsSmoothing ?? false,
  };
}

function count(grams: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const gram of grams) counts.set(gram, (counts.get(gram) ?? 0) + 1);
  return counts;
}

function* windows<T>(items: readonly T[], n: number): Generator<T[]> {
  for (let i = 0; i + n <= items.length; i++) yield items.slice(i, i + n);
}

/** Words with one punctuation mark split off the end, or else off the start (chrF++.py's rule). */
function wordsOf(text: string): string[] {
  const words: string[] = [];
  for (const word of splitOnWhitespace(text)) {
    const chars = Array.from(word);
    if (chars.length === 1) words.push(word);
    else if (PUNCTUATION.has(chars.at(-1)!)) words.push(chars.slice(0, -1).join(''), chars.at(-1)!);
    else if (PUNCTUATION.has(chars[0]!)) words.push(chars[0]!, chars.slice(1).join(''));
    else words.push(word);
  }
  return words;
}

/** Counts per order: character 1…charOrder-grams (code points), then word 1…wordOrder-grams. */
function ngramCounts(text: string, options: Resolved): Map<string, number>[] {
  const line = options.lowercase ? text.toLowerCase() : text;
  const chars = Array.from(options.whitespace ? line : removeWhitespace(line));
  const orders: Map<string, number>[] = [];
  for (let n = 1; n <= options.charOrder; n++)
    orders.push(count(Array.from(windows(chars, n), (g) => g.join(''))));
  const words = options.wordOrder > 0 ? wordsOf(line) : [];
  for (let n = 1; n <= options.wordOrder; n++)
    orders.push(count(Array.from(windows(words, n), (g) => g.join(' '))));
  return orders;
}

/** [hypothesis n-grams, reference n-grams, matches] for each order, flattened. */
function matchStatistics(
  hypothesis: Map<string, number>[],
  reference: Map<string, number>[],
): number[] {
  const statistics: number[] = [];
  hypothesis.forEach((hypothesisCounts, order) => {
    const referenceCounts = reference[order]!;
    let hypothesisTotal = 0;
    let matches = 0;
    for (const [gram, n] of hypothesisCounts) {
      hypothesisTotal += n;
      matches += Math.min(n, referenceCounts.get(gram) ?? 0);
    }
    let referenceTotal = 0;
    for (const n of referenceCounts.values()) referenceTotal += n;
    // An order the reference has no n-grams of does not count the hypothesis's (as sacreBLEU).
    statistics.push(referenceCounts.size > 0 ? hypothesisTotal : 0, referenceTotal, matches);
  });
  return statistics;
}

/** F_β in [0, 100] from the flattened statistics. */
function fScore(statistics: readonly number[], options: Resolved): number {
  const factor = options.beta ** 2;
  const eps = 1e-16;
  const orders = statistics.length / 3;
  let smoothed = 0;
  let precisionSum = 0;
  let recallSum = 0;
  let effectiveOrder = 0;
  for (let i = 0; i < orders; i++) {
    const [hypothesis, reference, matches] = statistics.slice(3 * i, 3 * i + 3) as [
      number,
      number,
      number,
    ];
    const precision = hypothesis > 0 ? matches / hypothesis : eps;
    const recall = reference > 0 ? matches / reference : eps;
    const denominator = factor * precision + recall;
    smoothed += denominator > 0 ? ((1 + factor) * precision * recall) / denominator : eps;
    if (hypothesis > 0 && reference > 0) {
      precisionSum += precision;
      recallSum += recall;
      effectiveOrder += 1;
    }
  }
  if (options.epsSmoothing) return (100 * smoothed) / orders;
  if (effectiveOrder === 0) return 0;
  const precision = precisionSum / effectiveOrder;
  const recall = recallSum / effectiveOrder;
  if (precision + recall === 0) return 0;
  return (100 * (1 + factor) * precision * recall) / (factor * precision + recall);
}

/** The statistics of the reference that gives the best F (the first on a tie). */
function segmentStatistics(
  hypothesis: string,
  references: readonly string[],
  options: Resolved,
): number[] {
  const hypothesisCounts = ngramCounts(hypothesis, options);
  let best: number[] = [];
  let bestScore = -1;
  for (const reference of references) {
    const statistics = matchStatistics(hypothesisCounts, ngramCounts(reference, options));
    const score = fScore(statistics, options);
    if (score > bestScore) {
      bestScore = score;
      best = statistics;
    }
  }
  return best;
}

function scoreOf(statistics: readonly number[], options: Resolved): ChrfScore {
  const { charOrder, wordOrder, beta } = options;
  const name = `chrF${beta}${'+'.repeat(wordOrder)}`;
  return { score: fScore(statistics, options), name, charOrder, wordOrder, beta };
}

/**
 * Corpus chrF (chrF++ with `wordOrder: 2`) as sacreBLEU's `corpus_chrf`: each hypothesis matched
 * against its best reference, n-gram statistics summed over the corpus, then one F_β.
 * `references[i]` holds the references of `hypotheses[i]` (sacreBLEU takes the transpose).
 * @throws when the lengths differ, an entry is not a string, a hypothesis has no reference, or an
 *   option is unknown or out of range
 */
export function corpusChrf(
  hypotheses: readonly string[],
  references: ReadonlyArray<readonly string[]>,
  options: ChrfOptions = {},
): ChrfScore {
  const resolved = resolveOptions('corpusChrf', options);
  checkHypothesesAndReferences('corpusChrf', hypotheses, references);
  const total = new Array<number>(3 * (resolved.charOrder + resolved.wordOrder)).fill(0);
  hypotheses.forEach((hypothesis, i) => {
    segmentStatistics(hypothesis, references[i]!, resolved).forEach((v, j) => {
      total[j]! += v;
    });
  });
  return scoreOf(total, resolved);
}

/** chrF of one hypothesis against its references (sacreBLEU's `sentence_chrf`). */
export function sentenceChrf(
  hypothesis: string,
  references: readonly string[],
  options: ChrfOptions = {},
): ChrfScore {
  const resolved = resolveOptions('sentenceChrf', options);
  checkHypothesesAndReferences('sentenceChrf', [hypothesis], [references]);
  return scoreOf(segmentStatistics(hypothesis, references, resolved), resolved);
}
