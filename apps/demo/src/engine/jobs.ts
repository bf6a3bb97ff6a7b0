import { copyTask, dateTask, exactMatch, Vocab } from '@gated/datasets';
import {
  classifierAccuracy,
  classifierStep,
  recallBatch,
  recallClassifier,
  TextModel,
  VOCAB_SPECIAL_IDS,
} from '@gated/models';
import {
  type Example,
  evaluate,
  greedyDecode,
  Seq2Seq,
  Trainer,
  type TrainingEvent,
} from '@gated/seq2seq';
import * as tf from '@tensorflow/tfjs-core';
import type { JobEvent, JobResult, JobSpec } from './protocol';

export type Emit = (event: JobEvent) => void;

/**
 * `trainer.fit` for a page job: a `loss` event per step (with the wall time since the previous
 * one) and `report(step)`'s event every 50 steps and at the last; stops when `signal` aborts.
 */
async function fitJob(
  trainer: Trainer,
  train: readonly Example[],
  steps: number,
  signal: AbortSignal,
  emit: Emit,
  report: (step: number) => JobEvent,
): Promise<JobResult> {
  let last = performance.now();
  const { state } = await trainer.fit({
    train,
    maxSteps: steps,
    signal,
    onProgress: (event: TrainingEvent) => {
      if (event.type !== 'step') return;
      const now = performance.now();
      emit({ kind: 'loss', step: event.step, loss: event.loss, millisecondsPerStep: now - last });
      last = now;
      if (event.step % 50 === 0 || event.step === steps) emit(report(event.step));
    },
  });
  return { reason: state.step >= steps ? 'finished' : 'stopped', steps: state.step };
}

/** Lets the worker read its message queue (a stop request) between steps. */
const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function requireSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 1 || steps > 100_000)
    throw new Error(`steps must be an integer from 1 to 100000, got ${steps}`);
}

/**
 * GRU vs LSTM on long-range recall: the same data, seeds and optimiser for both, one step of
 * each in turn, so the loss curves and milliseconds per step are measured side by side.
 */
export async function compareJob(
  spec: Extract<JobSpec, { kind: 'compare' }>,
  emit: Emit,
  signal: AbortSignal,
): Promise<JobResult> {
  requireSteps(spec.steps);
  if (!Number.isInteger(spec.distance) || spec.distance < 1 || spec.distance > 200)
    throw new Error(`distance must be an integer from 1 to 200, got ${spec.distance}`);
  const make = (cell: 'lstm' | 'gru') =>
    recallClassifier({ cell, embeddingSize: spec.inputSize, hiddenSize: spec.hiddenSize, seed: 3 });
  const models = { lstm: make('lstm'), gru: make('gru') };
  const optimizers = { lstm: tf.train.adam(3e-3), gru: tf.train.adam(3e-3) };
  const heldOut = recallBatch(128, spec.distance, 999_999);
  let step = 0;
  try {
    while (step < spec.steps && !signal.aborted) {
      step++;
      const batch = recallBatch(32, spec.distance, step);
      const timed = (cell: 'lstm' | 'gru') => {
        const started = performance.now();
        const loss = classifierStep(models[cell], optimizers[cell], batch);
        return { loss, milliseconds: performance.now() - started };
      };
      emit({ kind: 'compare', step, lstm: timed('lstm'), gru: timed('gru') });
      if (step % 25 === 0 || step === spec.steps)
        emit({
          kind: 'compare-accuracy',
          step,
          lstm: classifierAccuracy(models.lstm, heldOut),
          gru: classifierAccuracy(models.gru, heldOut),
        });
      await yieldToEvents();
    }
  } finally {
    for (const m of Object.values(models)) m.dispose();
    for (const o of Object.values(optimizers)) o.dispose();
  }
  return { reason: step >= spec.steps ? 'finished' : 'stopped', steps: step };
}

/** Source lengths of the bottleneck job. */
export const BOTTLENECK_LENGTHS = Array.from({ length: 12 }, (_, i) => i + 3);

/**
 * The bottleneck (Cho et al. 2014; Bahdanau et al. 2014, Fig. 2): a GRU encoder-decoder learns to
 * copy sequences of 3–14 symbols; without attention, exact match per length shows the fixed
 * vector filling up, with attention (`attention: true`) it stays up. `reverseSource` feeds the
 * source backwards (Sutskever et al. 2014). Each report carries one example copy per length.
 */
export async function bottleneckJob(
  spec: Extract<JobSpec, { kind: 'bottleneck' }>,
  emit: Emit,
  signal: AbortSignal,
): Promise<JobResult> {
  requireSteps(spec.steps);
  const lengths = BOTTLENECK_LENGTHS;
  const range = { minLength: lengths[0]!, maxLength: lengths[lengths.length - 1]! };
  const train = copyTask({ count: 8000, ...range, vocabularySize: 10, seed: 1 });
  const vocab = Vocab.build(train.map((e) => e.source));
  const encode = (e: { source: string[]; target: string[] }): Example => ({
    source: vocab.encode(e.source),
    target: vocab.encode(e.target),
  });
  const testByLength = lengths.map((length) =>
    copyTask({
      count: 16,
      minLength: length,
      maxLength: length,
      vocabularySize: 10,
      seed: 50 + length,
    }).map(encode),
  );
  const model = new Seq2Seq({
    sourceVocabSize: vocab.size,
    targetVocabSize: vocab.size,
    ...VOCAB_SPECIAL_IDS,
    cell: 'gru',
    embeddingSize: 16,
    hiddenSize: 64,
    bidirectional: false,
    attention: spec.attention ? 'bahdanau' : 'none',
    reverseSource: spec.reverseSource,
    seed: 1,
  });
  const trainer = new Trainer(model, { batchSize: 32, learningRate: 3e-3, seed: 1 });
  const show = (ids: readonly number[]) => vocab.decode(ids).join(' ');
  const report = (step: number): JobEvent => {
    const decoded = testByLength.map((examples) =>
      greedyDecode(
        model,
        examples.map((e) => e.source),
      ),
    );
    return {
      kind: 'exact-by-length',
      step,
      lengths,
      exactMatch: decoded.map((hypotheses, l) =>
        exactMatch(
          hypotheses.map((h, i) => ({
            prediction: h.tokens,
            references: [testByLength[l]![i]!.target],
          })),
        ),
      ),
      examples: decoded.map((hypotheses, l) => ({
        source: show(testByLength[l]![0]!.source),
        output: show(hypotheses[0]!.tokens),
      })),
    };
  };
  try {
    return await fitJob(trainer, train.map(encode), spec.steps, signal, emit, report);
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

/**
 * Trains a small date normaliser (GRU, Bahdanau attention) from scratch in the page; the model
 * is handed to `keep` when the job ends, finished or stopped, so it can answer afterwards.
 */
export async function datesJob(
  spec: Extract<JobSpec, { kind: 'dates' }>,
  emit: Emit,
  signal: AbortSignal,
  keep: (model: TextModel) => void,
): Promise<JobResult> {
  requireSteps(spec.steps);
  const train = dateTask({ count: 6000, seed: 1 });
  const dev = dateTask({ count: 64, seed: 2 });
  const sourceVocab = Vocab.build(train.map((e) => e.source));
  const targetVocab = Vocab.build(train.map((e) => e.target));
  const encode = (e: { source: string[]; target: string[] }): Example => ({
    source: sourceVocab.encode(e.source),
    target: targetVocab.encode(e.target),
  });
  const model = new Seq2Seq({
    sourceVocabSize: sourceVocab.size,
    targetVocabSize: targetVocab.size,
    ...VOCAB_SPECIAL_IDS,
    cell: 'gru',
    embeddingSize: 16,
    hiddenSize: 48,
    attention: 'bahdanau',
    seed: 2,
  });
  const trainer = new Trainer(model, { batchSize: 32, learningRate: 5e-3, seed: 2 });
  const validation = dev.map(encode);
  try {
    return await fitJob(trainer, train.map(encode), spec.steps, signal, emit, (step) => ({
      kind: 'evaluation',
      step,
      exactMatch: evaluate(model, validation).exactMatch,
    }));
  } finally {
    trainer.dispose();
    keep(
      new TextModel(model, {
        task: 'dates',
        sourceTokenizer: 'characters',
        targetTokenizer: 'characters',
        sourceVocab: sourceVocab.toJSON(),
        targetVocab: targetVocab.toJSON(),
      }),
    );
  }
}
