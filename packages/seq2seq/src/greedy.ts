import { withTransposedWeights } from '@gated/cells';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { acceleratedGreedy } from './accelerated-greedy';
import { disposeBatch, makeSourceBatch, type SourceBatch } from './batch';
import { checkGreedyCall } from './decode-checks';
import type { DecoderMemory, DecoderState } from './decoder-state';
import {
  argMaxAt,
  attentionRow,
  type DecodeOptions,
  defaultMaxLength,
  type Hypothesis,
  readStep,
} from './hypothesis';
import type { Seq2Seq } from './seq2seq';

/**
 * Greedy decoding of a batch: at each step the most probable token, until EOS or `maxLength`.
 * Runs in evaluation mode (no dropout) and leaves no tensors behind, also when it throws.
 *
 * @param sources token ids `[B][S_b]`: B ≥ 1 arrays, each of S_b ≥ 1 source-vocabulary ids
 * @param options `maxLength`, a positive integer
 * @returns one hypothesis per source, in order
 * @throws before allocating anything when a source, an option or the model's special ids are
 *   out of range, naming it: `greedyDecode: maxLength must be a positive integer, got -1`
 */
export function greedyDecode(
  model: Seq2Seq,
  sources: ReadonlyArray<readonly number[]>,
  options: DecodeOptions = {},
): Hypothesis[] {
  checkGreedyCall(model, sources, options);
  // Each decoder step reuses the same weights: transpose them once for the whole search.
  return withTransposedWeights(() => greedyDecodeBody(model, sources, options));
}

function greedyDecodeBody(
  model: Seq2Seq,
  sources: ReadonlyArray<readonly number[]>,
  options: DecodeOptions = {},
): Hypothesis[] {
  const { config } = model;
  const maxLength = options.maxLength ?? defaultMaxLength(sources);
  const wasTraining = model.training;
  model.eval();
  let batch: SourceBatch | undefined;
  let memory: DecoderMemory | undefined;
  let state: DecoderState | undefined;
  let previous: Tensor1D | undefined;
  try {
    batch = makeSourceBatch(config, sources, 'greedyDecode');
    ({ memory, state } = model.encode(batch));
    const fast = acceleratedGreedy(model, batch, memory, state, maxLength);
    if (fast) return fast;
    const count = sources.length;
    const steps = batch.source.shape[1];
    const vocab = config.targetVocabSize;
    const results: Hypothesis[] = sources.map(() => ({
      tokens: [],
      score: 0,
      attention: memory!.projectedKeys ? [] : undefined,
    }));
    const finished = new Array<boolean>(count).fill(false);
    previous = tf.fill([count], config.bosId, 'int32') as Tensor1D;
    for (let t = 0; t <= maxLength && !finished.every(Boolean); t++) {
      const out = model.step(previous, state, memory);
      const { logProbs, attention } = readStep(out);
      const chosen = new Int32Array(count).fill(config.padId);
      for (let b = 0; b < count; b++) {
        if (finished[b]) continue;
        // At maxLength only EOS may follow: the output is cut there.
        const token = t === maxLength ? config.eosId : argMaxAt(logProbs, b * vocab, vocab);
        const result = results[b]!;
        result.score += logProbs[b * vocab + token]!;
        if (attention)
          result.attention!.push(attentionRow(config, attention, b, steps, batch.lengths[b]!));
        if (token === config.eosId) finished[b] = true;
        else result.tokens.push(token);
        chosen[b] = token;
      }
      tf.dispose([previous, out.logits, out.attention, ...Object.values(state)]);
      state = out.state;
      previous = tf.tensor1d(chosen, 'int32');
    }
    return results;
  } finally {
    tf.dispose([previous, ...Object.values(state ?? {}), ...Object.values(memory ?? {})]);
    if (batch) disposeBatch(batch);
    model.train(wasTraining);
  }
}
