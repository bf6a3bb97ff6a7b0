import * as tf from '@tensorflow/tfjs-core';
import { disposeBatch, type Example, makeTrainingBatch } from './batch';
import { greedyDecode } from './greedy';
import { maskedCrossEntropy } from './loss';
import type { Seq2Seq } from './seq2seq';

export interface EvaluationMetrics {
  /** Teacher-forced cross-entropy per target token (EOS included). */
  loss: number;
  /** Share of examples whose greedy output equals the target exactly. */
  exactMatch: number;
  /** Share of target tokens (EOS included) that are the teacher-forced argmax. */
  tokenAccuracy: number;
  examples: number;
}

/** Loss, token accuracy and greedy exact match on `examples`, in evaluation mode. */
export function evaluate(
  model: Seq2Seq,
  examples: readonly Example[],
  options: { batchSize?: number; labelSmoothing?: number } = {},
): EvaluationMetrics {
  const batchSize = options.batchSize ?? 64;
  const wasTraining = model.training;
  model.eval();
  let lossSum = 0;
  let correctTokens = 0;
  let tokens = 0;
  let exact = 0;
  try {
    for (let from = 0; from < examples.length; from += batchSize) {
      const chunk = examples.slice(from, from + batchSize);
      const batch = makeTrainingBatch(model.config, chunk, 'evaluate');
      const [loss, correct] = tf.tidy(() => {
        const logits = model.teacherForcedLogits(batch);
        const lossValue = maskedCrossEntropy(
          logits,
          batch.targetOutput,
          batch.targetMask,
          options.labelSmoothing ?? 0,
        );
        const hits = tf.mul(
          tf.cast(tf.equal(tf.argMax(logits, -1), batch.targetOutput), 'float32'),
          batch.targetMask,
        );
        return [lossValue.dataSync()[0]!, tf.sum(hits).dataSync()[0]!];
      });
      lossSum += loss * batch.targetTokens;
      correctTokens += correct;
      tokens += batch.targetTokens;
      disposeBatch(batch);
      const decoded = greedyDecode(
        model,
        chunk.map((e) => e.source),
      );
      decoded.forEach((hypothesis, i) => {
        const target = chunk[i]!.target;
        if (
          hypothesis.tokens.length === target.length &&
          hypothesis.tokens.every((t, j) => t === target[j])
        )
          exact += 1;
      });
    }
  } finally {
    model.train(wasTraining);
  }
  return {
    loss: lossSum / tokens,
    exactMatch: exact / examples.length,
    tokenAccuracy: correctTokens / tokens,
    examples: examples.length,
  };
}
