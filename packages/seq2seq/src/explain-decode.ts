import { withTransposedWeights } from '@gated/cells';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { disposeBatch, makeSourceBatch, type SourceBatch } from './batch';
import { checkExplainCall } from './decode-checks';
import type { DecoderMemory, DecoderState } from './decoder-state';
import { argMaxAt, type DecodeOptions, defaultMaxLength, logSoftmaxRows } from './hypothesis';
import type { Seq2Seq } from './seq2seq';

export interface ExplainDecodeOptions extends DecodeOptions {
  /**
   * Output tokens to force at the first steps, then greedy decoding continues from them: "what if
   * the model had said this?" (Strobelt et al. 2018, Seq2Seq-Vis). Target ids other than BOS and
   * pad; EOS only last, where it ends the output. Default none: plain greedy decoding.
   */
  prefix?: readonly number[];
  /** Next-token candidates listed per step, in [1, targetVocabSize]. Default 5. */
  topK?: number;
}

/** One candidate next token: its id and log-probability. */
export interface TokenCandidate {
  token: number;
  logProb: number;
}

/** One decoder step, as the model computed it. */
export interface ExplainedStep {
  /** The token emitted at this step (EOS on the last step). */
  token: number;
  /** log p(token | source, previous tokens). */
  logProb: number;
  /** Whether `token` was forced by `prefix` rather than chosen by the model. */
  forced: boolean;
  /** The `topK` most probable next tokens, best first (ties: lower id first). */
  candidates: TokenCandidate[];
  /** Attention only: raw scores e_ij per source position `[S]`, in source order. */
  scores?: number[];
  /** Attention only: weights α_ij `[S]`, in source order, summing to 1. */
  weights?: number[];
  /** Attention only: context c_i = Σ_j α_ij h_j `[He]`. */
  context?: number[];
}

/** A greedy (or prefix-forced) decode of one source, with everything each step computed. */
export interface DecodeExplanation {
  /** Output token ids, without BOS and EOS. */
  tokens: number[];
  /** Sum of the emitted tokens' log-probabilities, EOS included (as `Hypothesis.score`, α = 0). */
  logProb: number;
  /** One entry per emitted token, EOS included. */
  steps: ExplainedStep[];
  /** Attention only: the encoder outputs h_j `[S][He]` the contexts average, in source order. */
  encoderOutputs?: number[][];
}

/**
 * Decodes one source greedily, step by step, keeping what each step computed: the attention's
 * scores, weights and context (attention models), and the top next-token candidates. With
 * `prefix`, those tokens are emitted first whatever the model prefers, and decoding continues from
 * them. Without `prefix` the output is `greedyDecode`'s (up to a near-tie that float rounding
 * decides differently, where an accelerator runs the attention of `greedyDecode`'s steps as one
 * kernel and this explanation's on tfjs's ops). Evaluation mode; leaves no tensors.
 *
 * @param source token ids `[S]`, S ≥ 1, in the source vocabulary
 * @throws before allocating anything when the source, an option or the model's ids are out of
 *   range, naming it: `explainDecode: prefix holds 1 (BOS), expected output token ids`
 */
export function explainDecode(
  model: Seq2Seq,
  source: readonly number[],
  options: ExplainDecodeOptions = {},
): DecodeExplanation {
  checkExplainCall(model, source, options);
  return withTransposedWeights(() => explainBody(model, source, options));
}

function explainBody(
  model: Seq2Seq,
  source: readonly number[],
  options: ExplainDecodeOptions,
): DecodeExplanation {
  const { config } = model;
  const prefix = options.prefix ?? [];
  const topK = options.topK ?? 5;
  const maxLength = Math.max(options.maxLength ?? defaultMaxLength([source]), prefix.length);
  const vocab = config.targetVocabSize;
  const inOrder = <T>(values: T[]) => (config.reverseSource ? values.reverse() : values);
  const wasTraining = model.training;
  model.eval();
  let batch: SourceBatch | undefined;
  let memory: DecoderMemory | undefined;
  let state: DecoderState | undefined;
  let previous: Tensor1D | undefined;
  try {
    batch = makeSourceBatch(config, [source], 'explainDecode');
    ({ memory, state } = model.encode(batch));
    const withAttention = memory.projectedKeys !== undefined;
    const result: DecodeExplanation = {
      tokens: [],
      logProb: 0,
      steps: [],
      encoderOutputs: withAttention
        ? inOrder((memory.outputs.arraySync() as number[][][])[0]!)
        : undefined,
    };
    previous = tf.tensor1d([config.bosId], 'int32');
    for (let t = 0; t <= maxLength; t++) {
      const out = model.explainStep(previous, state, memory);
      const logProbs = logSoftmaxRows(out.logits.dataSync() as Float32Array, 1, vocab);
      const forced = t < prefix.length;
      // At maxLength only EOS may follow, as in greedyDecode.
      const token = forced
        ? prefix[t]!
        : t === maxLength
          ? config.eosId
          : argMaxAt(logProbs, 0, vocab);
      const step: ExplainedStep = {
        token,
        logProb: logProbs[token]!,
        forced,
        candidates: topCandidates(logProbs, topK),
      };
      if (out.detail) {
        step.scores = inOrder(Array.from(out.detail.scores.dataSync()));
        step.weights = inOrder(Array.from(out.detail.weights.dataSync()));
        step.context = Array.from(out.detail.context.dataSync());
      }
      result.steps.push(step);
      result.logProb += step.logProb;
      tf.dispose([previous, out.logits, out.attention, ...Object.values(out.detail ?? {})]);
      tf.dispose(Object.values(state));
      state = out.state;
      previous = tf.tensor1d([token], 'int32');
      if (token === config.eosId) break;
      result.tokens.push(token);
    }
    return result;
  } finally {
    tf.dispose([previous, ...Object.values(state ?? {}), ...Object.values(memory ?? {})]);
    if (batch) disposeBatch(batch);
    model.train(wasTraining);
  }
}

/** The k most probable tokens of a `[V]` log-probability row, best first, lower id on ties. */
function topCandidates(logProbs: Float32Array, k: number): TokenCandidate[] {
  const ids = Array.from(logProbs.keys());
  ids.sort((a, b) => logProbs[b]! - logProbs[a]! || a - b);
  return ids.slice(0, k).map((token) => ({ token, logProb: logProbs[token]! }));
}
