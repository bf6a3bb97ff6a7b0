import * as tf from '@tensorflow/tfjs-core';
import { disposeBatch, type Example, makeTrainingBatch } from './batch';
import { checkModel } from './decode-checks';
import { greedyDecode } from './greedy';
import { maskedCrossEntropy } from './loss';
import { checkInteger, checkNumber, checkOptionKeys } from './option-checks';
import type { Seq2Seq } from './seq2seq';
import { checkExamples } from './token-checks';

/** What `evaluate` measures over a set of examples. */
export interface EvaluationMetrics {
  /** Teacher-forced cross-entropy per target token (EOS included). */
  loss: number;
  /** Share of examples whose greedy output equals the target exactly. */
  exactMatch: number;
  /** Share of target tokens (EOS included) that are the teacher-forced argmax. */
  tokenAccuracy: number;
  examples: number;
}

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Examples per forward pass. Default 64: evaluation keeps no gradients, so it can batch wider. */
  batchSize?: number;
  /** ε of the loss, as in training, so the two losses compare. Default 0. */
  labelSmoothing?: number;
}

/**
 * Loss, token accuracy and greedy exact match on `examples`, in evaluation mode. Every example
 * is checked before anything is allocated, so a refusal leaves no tensors behind.
 */
export function evaluate(
  model: Seq2Seq,
  examples: readonly Example[],
  options: EvaluateOptions = {},
): EvaluationMetrics {
  checkModel('evaluate', model);
  checkExamples('evaluate', 'examples', model.config, examples);
  checkOptionKeys('evaluate', 'options', options, ['batchSize', 'labelSmoothing']);
  const batchSize = options.batchSize ?? 64;
  const labelSmoothing = options.labelSmoothing ?? 0;
  checkInteger('evaluate', 'batchSize', batchSize, 1);
  checkNumber('evaluate', 'labelSmoothing', labelSmoothing, (v) => v >= 0 && v < 1, 'in [0, 1)');
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
      try {
        const [loss, correct] = tf.tidy(() => {
          const logits = model.teacherForcedLogits(batch);
          const lossValue = maskedCrossEntropy(
            logits,
            batch.targetOutput,
            batch.targetMask,
            labelSmoothing,
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
      } finally {
        disposeBatch(batch);
      }
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
