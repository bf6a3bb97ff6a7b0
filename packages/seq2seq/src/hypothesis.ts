import type { ResolvedConfig } from './config';
import type { DecoderStepOutput } from './decoder-state';
import { checkInteger, checkNumber } from './option-checks';

/** One decoded output sequence. */
export interface Hypothesis {
  /** Output token ids, without BOS and EOS. */
  tokens: number[];
  /** Sum of the log-probabilities of the chosen tokens (EOS included), divided by the length penalty. */
  score: number;
  /**
   * Attention weights, one row per output step (EOS included), each over the source's real
   * positions in their original order (even with `reverseSource`). Absent without attention.
   */
  attention?: number[][];
}

/** Options of `greedyDecode` (and, extended, of `beamSearch` and `explainDecode`). */
export interface DecodeOptions {
  /**
   * Most output tokens before stopping (EOS not counted), a positive integer. Default 2 × the
   * longest source + 10: room for outputs longer than their inputs, and a bound on a model that
   * never emits EOS.
   */
  maxLength?: number;
}

/**
 * The GNMT length penalty (Wu et al. 2016, eq. 14): `((5 + length) / 6)^α`. Scores are divided by
 * it, so α > 0 stops beam search from preferring short outputs; α = 0 gives 1.
 */
export function lengthPenalty(length: number, alpha: number): number {
  checkInteger('lengthPenalty', 'length', length, 0);
  checkNumber('lengthPenalty', 'alpha', alpha, (v) => v >= 0, '≥ 0');
  return ((5 + length) / 6) ** alpha;
}

export function defaultMaxLength(sources: ReadonlyArray<readonly number[]>): number {
  // A loop, not Math.max(...): spreading a very large batch overflows the call stack.
  let longest = 0;
  for (const source of sources) longest = Math.max(longest, source.length);
  return 2 * longest + 10;
}

/** A step's log-probabilities `[rows, V]` and attention `[rows, S]`, read to the CPU. */
export function readStep(out: DecoderStepOutput): {
  logProbs: Float32Array;
  attention?: Float32Array;
} {
  const [rows, vocab] = out.logits.shape;
  const logProbs = logSoftmaxRows(out.logits.dataSync() as Float32Array, rows, vocab);
  return { logProbs, attention: out.attention?.dataSync() as Float32Array | undefined };
}

/**
 * log softmax of each row of `logits` `[rows, vocab]`, `x - max - log Σ exp(x - max)`, summed in
 * double precision. On the CPU: for the few hundred values a decoder step reads, one pass here
 * costs less than the seven tfjs ops of tf.logSoftmax, which dominated decoding one word.
 * @returns a new `[rows, vocab]` array
 */
export function logSoftmaxRows(logits: Float32Array, rows: number, vocab: number): Float32Array {
  const out = new Float32Array(rows * vocab);
  for (let r = 0; r < rows; r++) {
    const start = r * vocab;
    let largest = Number.NEGATIVE_INFINITY;
    for (let v = 0; v < vocab; v++) largest = Math.max(largest, logits[start + v]!);
    let total = 0;
    for (let v = 0; v < vocab; v++) total += Math.exp(logits[start + v]! - largest);
    const shift = largest + Math.log(total);
    for (let v = 0; v < vocab; v++) out[start + v] = logits[start + v]! - shift;
  }
  return out;
}

/** Index of the largest of `values[offset .. offset+count)`; the first one on ties, as argMax. */
export function argMaxAt(values: Float32Array, offset: number, count: number): number {
  let best = 0;
  for (let v = 1; v < count; v++) if (values[offset + v]! > values[offset + best]!) best = v;
  return best;
}

/** Row `row` of a `[rows, steps]` attention matrix, cut to the source's length, in source order. */
export function attentionRow(
  config: ResolvedConfig,
  attention: Float32Array,
  row: number,
  steps: number,
  length: number,
): number[] {
  const values = Array.from(attention.subarray(row * steps, row * steps + length));
  return config.reverseSource ? values.reverse() : values;
}
