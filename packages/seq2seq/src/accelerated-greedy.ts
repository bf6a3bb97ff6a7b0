import * as tf from '@tensorflow/tfjs-core';
import { AttentionDecoder } from './attention-decoder';
import type { SourceBatch } from './batch';
import type { DecoderMemory, DecoderState } from './decoder-state';
import { attentionRow, type Hypothesis } from './hypothesis';
import type { Seq2Seq } from './seq2seq';

/**
 * `greedyDecode`'s loop as one accelerator call (`AttentionDecoder.acceleratedGreedy`), or
 * undefined where the model or the accelerator does not offer it. The hypotheses are built as the
 * step-by-step loop builds them: tokens, scores summed from float32 log probabilities
 * (`logit - largest - log Σ exp`) and attention rows, the same within float32 rounding (the
 * kernel's sums run in another order, and its Σ exp is of float32 exponentials).
 */
export function acceleratedGreedy(
  model: Seq2Seq,
  batch: SourceBatch,
  memory: DecoderMemory,
  state: DecoderState,
  maxLength: number,
): Hypothesis[] | undefined {
  if (!(model.decoder instanceof AttentionDecoder)) return undefined;
  const fast = model.decoder.acceleratedGreedy(state, memory, { maxLength, withAttention: true });
  if (!fast) return undefined;
  const { config } = model;
  try {
    const record = fast.record.dataSync() as Float32Array;
    const weights = fast.attention!.dataSync() as Float32Array;
    const steps = memory.outputs.shape[1];
    return Array.from(batch.lengths, (length, b) => {
      const result: Hypothesis = { tokens: [], score: 0, attention: [] };
      for (let t = 0; t <= maxLength; t++) {
        const at = (b * (maxLength + 1) + t) * 4;
        const token = record[at]!;
        const logit = record[at + 1]!;
        const shift = record[at + 2]! + Math.log(record[at + 3]!);
        result.score += Math.fround(logit - shift);
        result.attention!.push(
          attentionRow(config, weights, b * (maxLength + 1) + t, steps, length),
        );
        if (token === config.eosId) break;
        result.tokens.push(token);
      }
      return result;
    });
  } finally {
    tf.dispose([fast.record, fast.attention]);
  }
}
