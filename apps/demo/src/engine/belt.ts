import {
  classifierAccuracy,
  classifierStep,
  RECALL_TOKENS,
  recallBatch,
  recallClassifier,
  type SequenceClassifier,
} from '@gated/models';
import type { Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { BeltResult, JobEvent, JobResult, JobSpec } from './protocol';

const KINDS = ['rnn', 'lstm', 'gru'] as const;
type Kind = (typeof KINDS)[number];

/**
 * ‖∂loss/∂x_t‖ of a recall classifier's cross-entropy on `batch`, per input position, indexed by
 * distance from the question (0 = the `?`): how much of the loss's gradient reaches each input.
 */
export function lossGradientByDistance(
  model: SequenceClassifier,
  batch: { tokens: number[][]; labels: number[] },
): number[] {
  const length = batch.tokens[0]!.length;
  const norms = tf.tidy(() => {
    const tokens = tf.tensor2d(batch.tokens, undefined, 'int32') as Tensor2D;
    const labels = tf.oneHot(tf.tensor1d(batch.labels, 'int32') as Tensor1D, 4);
    const x = model.embedding.forward(tokens) as Tensor3D; // [B, T, E]
    const gradient = tf.grad((xs: tf.Tensor) => {
      const { hN } = model.recurrent.forward(xs as Tensor3D);
      const logits = model.readout.forward(tf.squeeze(hN, [0]) as Tensor2D);
      return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
    })(x);
    return tf.sqrt(tf.sum(tf.square(gradient), [0, 2])); // [T]
  });
  const perStep = norms.dataSync();
  norms.dispose();
  return Array.from({ length }, (_, d) => perStep[length - 1 - d] ?? 0);
}

const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);

/**
 * The belt that survives distance: RNN, LSTM and GRU recall classifiers (same seeds, data and
 * Adam), their loss gradients against distance before and after training, and the trained
 * gates on one held-out sequence (LSTM forget gate; GRU reset and update gates).
 */
export async function beltJob(
  spec: Extract<JobSpec, { kind: 'belt' }>,
  emit: (event: JobEvent) => void,
  signal: AbortSignal,
): Promise<JobResult> {
  if (!Number.isInteger(spec.steps) || spec.steps < 1 || spec.steps > 5000)
    throw new Error(`steps must be an integer from 1 to 5000, got ${spec.steps}`);
  if (!Number.isInteger(spec.distance) || spec.distance < 2 || spec.distance > 60)
    throw new Error(`distance must be an integer from 2 to 60, got ${spec.distance}`);
  const models = Object.fromEntries(
    KINDS.map((cell) => [
      cell,
      recallClassifier({ cell, embeddingSize: 8, hiddenSize: 32, seed: 11 }),
    ]),
  ) as Record<Kind, SequenceClassifier>;
  const optimizers = Object.fromEntries(
    KINDS.map((k) => [k, tf.train.adam(3e-3)]),
  ) as unknown as Record<Kind, tf.Optimizer>;
  const heldOut = recallBatch(64, spec.distance, 424_242);
  const measure = () =>
    Object.fromEntries(KINDS.map((k) => [k, lossGradientByDistance(models[k], heldOut)])) as Record<
      Kind,
      number[]
    >;
  let step = 0;
  try {
    const untrained = measure();
    while (step < spec.steps && !signal.aborted) {
      step++;
      const batch = recallBatch(32, spec.distance, 7_000 + step);
      const loss = Object.fromEntries(
        KINDS.map((k) => [k, classifierStep(models[k], optimizers[k], batch)]),
      ) as Record<Kind, number>;
      emit({ kind: 'belt-step', step, loss });
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
    }
    const sample = tf.tensor2d([heldOut.tokens[0]!], undefined, 'int32') as Tensor2D;
    const lstm = models.lstm.trace(sample).gates;
    const gru = models.gru.trace(sample).gates;
    sample.dispose();
    const forget = (lstm.forget ?? []).flat();
    const update = (gru.update ?? []).flat();
    const result: BeltResult = {
      steps: step,
      distances: untrained.rnn.map((_, d) => d),
      untrained,
      trained: measure(),
      accuracy: Object.fromEntries(
        KINDS.map((k) => [k, classifierAccuracy(models[k], heldOut)]),
      ) as Record<Kind, number>,
      tokens: heldOut.tokens[0]!.map((id) => RECALL_TOKENS[id] ?? '?'),
      gates: { forget: lstm.forget ?? [], reset: gru.reset ?? [], update: gru.update ?? [] },
      forgetMean: mean(forget),
      forgetAbove09: forget.filter((v) => v > 0.9).length / Math.max(1, forget.length),
      updateMean: mean(update),
      updateAbove09: update.filter((v) => v > 0.9).length / Math.max(1, update.length),
    };
    emit({ kind: 'belt-result', result });
    return { reason: step >= spec.steps ? 'finished' : 'stopped', steps: step };
  } finally {
    for (const k of KINDS) {
      models[k].dispose();
      optimizers[k].dispose();
    }
  }
}
