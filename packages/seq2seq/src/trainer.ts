import { seededRandom } from '@gated/cells';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { Adam, type AdamOptions } from './adam';
import { disposeBatch, type Example, makeTrainingBatch } from './batch';
import { clipByGlobalNorm } from './clip';
import { type EvaluationMetrics, evaluate } from './evaluate';
import { maskedCrossEntropy } from './loss';
import {
  afterEvaluation,
  initialScheduleState,
  type LearningRateSchedule,
  learningRateAt,
  type ScheduleState,
} from './schedule';
import type { Seq2Seq } from './seq2seq';

/** How to train; saved with training checkpoints so a resumed run uses the same. */
export interface TrainerOptions {
  /** Examples per update. Default 32. */
  batchSize?: number;
  /** Adam's base learning rate. Default 1e-3 (Kingma & Ba's default). */
  learningRate?: number;
  /** How the rate changes over training. Default constant. */
  schedule?: LearningRateSchedule;
  /** Clip gradients to this global L2 norm (Pascanu et al. 2013); 0 = off. Default 5, a common RNN setting. */
  clipNorm?: number;
  /** Label smoothing ε. Default 0. */
  labelSmoothing?: number;
  /** Probability of feeding the gold previous token in training. Default 1 (always). */
  teacherForcing?: number;
  /** Seeds the data order, dropout and teacher-forcing draws. Default 0, so runs repeat. */
  seed?: number;
  adam?: AdamOptions;
}

/** Progress, for a CLI progress bar or a web page. */
export type TrainingEvent =
  | {
      type: 'step';
      step: number;
      epoch: number;
      loss: number;
      learningRate: number;
      gradNorm: number;
      tokensPerSecond: number;
      elapsedSeconds: number;
      etaSeconds?: number;
    }
  | ({ type: 'evaluation'; step: number; epoch: number; improved: boolean } & EvaluationMetrics)
  | { type: 'stop'; step: number; epoch: number; reason: StopReason };

export type StopReason = 'maxSteps' | 'epochs' | 'earlyStopping' | 'timeBudget' | 'aborted';

export interface FitOptions {
  train: readonly Example[];
  /** Evaluated every `evaluateEvery` steps: loss, exact match, token accuracy. */
  validation?: readonly Example[];
  /** Stop when this many epochs are complete (counted across resumes). */
  epochs?: number;
  /** Stop when this many updates are done (counted across resumes). */
  maxSteps?: number;
  /** Steps between evaluations. Default: once per epoch. */
  evaluateEvery?: number;
  /** Stop after `patience` evaluations without improvement of `metric` (default `'loss'`). */
  earlyStopping?: { patience: number; metric?: 'loss' | 'exactMatch' };
  /** Stop (cleanly, after a step) once this much time has passed in this call. */
  timeBudgetMs?: number;
  signal?: AbortSignal;
  onProgress?: (event: TrainingEvent) => void;
  /**
   * Called after every evaluation (and at the end) with the trainer, to save a training
   * checkpoint: `writeCheckpoint(dir, saveTraining(trainer))`. Awaited.
   */
  onCheckpoint?: (trainer: Trainer) => void | Promise<void>;
}

/** Counters and memory of a training run: what a resume needs besides weights and moments. */
export interface TrainerState {
  step: number;
  epoch: number;
  /** Batches of the current epoch already used. */
  batchInEpoch: number;
  schedule: ScheduleState;
  /** Best validation value of the early-stopping metric so far (lower is better), if any. */
  best: number | null;
  evaluationsWithoutImprovement: number;
  history: Array<{ step: number; epoch: number } & EvaluationMetrics>;
}

/** A non-finite loss: training stopped before the update, nothing was changed. */
export class TrainingDivergedError extends Error {}

/**
 * Trains a `Seq2Seq` with masked cross-entropy, teacher forcing, Adam, gradient clipping and a
 * learning-rate schedule; deterministic for a seed and resumable from a training checkpoint.
 */
export class Trainer {
  readonly options: Required<Omit<TrainerOptions, 'adam'>> & { adam: AdamOptions };
  readonly optimizer: Adam;
  state: TrainerState = {
    step: 0,
    epoch: 0,
    batchInEpoch: 0,
    schedule: initialScheduleState(),
    best: null,
    evaluationsWithoutImprovement: 0,
    history: [],
  };

  constructor(
    readonly model: Seq2Seq,
    options: TrainerOptions = {},
  ) {
    this.options = {
      batchSize: options.batchSize ?? 32,
      learningRate: options.learningRate ?? 1e-3,
      schedule: options.schedule ?? { type: 'constant' },
      clipNorm: options.clipNorm ?? 5,
      labelSmoothing: options.labelSmoothing ?? 0,
      teacherForcing: options.teacherForcing ?? 1,
      seed: options.seed ?? 0,
      adam: options.adam ?? {},
    };
    const { batchSize, learningRate, labelSmoothing, teacherForcing } = this.options;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new Error(`Trainer: batchSize must be a positive integer, got ${batchSize}`);
    if (!(learningRate > 0))
      throw new Error(`Trainer: learningRate must be > 0, got ${learningRate}`);
    if (!(labelSmoothing >= 0 && labelSmoothing < 1))
      throw new Error(`Trainer: labelSmoothing must be in [0, 1), got ${labelSmoothing}`);
    if (!(teacherForcing >= 0 && teacherForcing <= 1))
      throw new Error(`Trainer: teacherForcing must be in [0, 1], got ${teacherForcing}`);
    this.optimizer = new Adam(this.options.adam);
  }

  /** The learning rate of the next update. */
  get learningRate(): number {
    return learningRateAt(
      this.options.schedule,
      this.options.learningRate,
      this.state.step,
      this.state.schedule,
    );
  }

  /**
   * One update on `examples`. Returns the loss before the update and the gradient norm.
   * @throws TrainingDivergedError when the loss is NaN or infinite (no update is made)
   */
  trainStep(examples: readonly Example[]): { loss: number; gradNorm: number; tokens: number } {
    const model = this.model;
    model.train();
    const batch = makeTrainingBatch(model.config, examples, 'Trainer');
    const named = model.namedParameters();
    const nameOf = new Map(named.map(([name, variable]) => [variable.name, name]));
    const seed = (this.options.seed * 1_000_003 + this.state.step * 7_919) % 2_147_483_647;
    try {
      const { value, grads } = tf.variableGrads(
        () => {
          const logits = model.teacherForcedLogits(batch, {
            ratio: this.options.teacherForcing,
            seed,
          });
          return maskedCrossEntropy(
            logits,
            batch.targetOutput,
            batch.targetMask,
            this.options.labelSmoothing,
          ) as Scalar;
        },
        named.map(([, variable]) => variable),
      );
      const loss = value.dataSync()[0]!;
      value.dispose();
      const byName: Record<string, Tensor> = {};
      for (const [variableName, grad] of Object.entries(grads))
        byName[nameOf.get(variableName)!] = grad;
      if (!Number.isFinite(loss)) {
        tf.dispose(Object.values(byName));
        throw new TrainingDivergedError(
          `Trainer: the loss became ${loss} at step ${this.state.step} (epoch ${this.state.epoch}); training stopped before that update, ` +
            'so the weights and any saved checkpoint are untouched. Try a lower learning rate or a smaller clipNorm.',
        );
      }
      const { grads: clipped, norm } = clipByGlobalNorm(byName, this.options.clipNorm);
      this.optimizer.apply(named, clipped, this.learningRate);
      tf.dispose(Object.values(clipped));
      this.state.step += 1;
      return { loss, gradNorm: norm, tokens: batch.targetTokens };
    } finally {
      disposeBatch(batch);
    }
  }

  /** The order of `count` examples in `epoch`: a permutation fixed by the seed and the epoch. */
  epochOrder(count: number, epoch: number): Int32Array {
    const random = seededRandom((this.options.seed * 2_654_435_761 + epoch * 40_503) >>> 0);
    const order = Int32Array.from({ length: count }, (_, i) => i);
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  }

  /** Trains until `epochs`, `maxSteps`, early stopping, the time budget or `signal` says stop. */
  async fit(fit: FitOptions): Promise<{ reason: StopReason; state: TrainerState }> {
    if (fit.train.length === 0)
      throw new Error('Trainer.fit: train must hold at least one example');
    if (
      fit.epochs === undefined &&
      fit.maxSteps === undefined &&
      fit.timeBudgetMs === undefined &&
      !fit.earlyStopping
    ) {
      throw new Error(
        'Trainer.fit: give epochs, maxSteps, timeBudgetMs or earlyStopping, or it would never stop',
      );
    }
    const { batchSize } = this.options;
    const batchesPerEpoch = Math.ceil(fit.train.length / batchSize);
    const evaluateEvery = fit.evaluateEvery ?? batchesPerEpoch;
    const started = performance.now();
    const startStep = this.state.step;
    const totalSteps =
      fit.maxSteps ?? (fit.epochs !== undefined ? fit.epochs * batchesPerEpoch : undefined);
    let tokens = 0;
    const stop = async (reason: StopReason) => {
      fit.onProgress?.({ type: 'stop', step: this.state.step, epoch: this.state.epoch, reason });
      await fit.onCheckpoint?.(this);
      return { reason, state: this.state };
    };
    for (;;) {
      if (fit.maxSteps !== undefined && this.state.step >= fit.maxSteps) return stop('maxSteps');
      if (fit.epochs !== undefined && this.state.epoch >= fit.epochs) return stop('epochs');
      if (fit.signal?.aborted) return stop('aborted');
      if (fit.timeBudgetMs !== undefined && performance.now() - started >= fit.timeBudgetMs)
        return stop('timeBudget');
      const order = this.epochOrder(fit.train.length, this.state.epoch);
      const from = this.state.batchInEpoch * batchSize;
      const examples = Array.from(order.subarray(from, from + batchSize), (i) => fit.train[i]!);
      const { loss, gradNorm, tokens: batchTokens } = this.trainStep(examples);
      tokens += batchTokens;
      this.state.batchInEpoch += 1;
      if (this.state.batchInEpoch >= batchesPerEpoch) {
        this.state.epoch += 1;
        this.state.batchInEpoch = 0;
      }
      const elapsedSeconds = (performance.now() - started) / 1000;
      const stepsPerSecond = (this.state.step - startStep) / elapsedSeconds;
      fit.onProgress?.({
        type: 'step',
        step: this.state.step,
        epoch: this.state.epoch,
        loss,
        learningRate: this.learningRate,
        gradNorm,
        tokensPerSecond: tokens / elapsedSeconds,
        elapsedSeconds,
        etaSeconds:
          totalSteps !== undefined
            ? Math.max(0, totalSteps - this.state.step) / stepsPerSecond
            : undefined,
      });
      if (fit.validation && fit.validation.length > 0 && this.state.step % evaluateEvery === 0) {
        const stopEarly = this.evaluateAndTrack(fit);
        await fit.onCheckpoint?.(this);
        if (stopEarly) return stop('earlyStopping');
      }
      // Let a page repaint and an abort signal arrive between steps.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  private evaluateAndTrack(fit: FitOptions): boolean {
    const metrics = evaluate(this.model, fit.validation!, {
      batchSize: this.options.batchSize,
      labelSmoothing: this.options.labelSmoothing,
    });
    const metric = fit.earlyStopping?.metric ?? 'loss';
    const value = metric === 'loss' ? metrics.loss : -metrics.exactMatch;
    const improved = this.state.best === null || value < this.state.best;
    if (improved) {
      this.state.best = value;
      this.state.evaluationsWithoutImprovement = 0;
    } else {
      this.state.evaluationsWithoutImprovement += 1;
    }
    this.state.schedule = afterEvaluation(this.options.schedule, this.state.schedule, improved);
    this.state.history.push({ step: this.state.step, epoch: this.state.epoch, ...metrics });
    fit.onProgress?.({
      type: 'evaluation',
      step: this.state.step,
      epoch: this.state.epoch,
      improved,
      ...metrics,
    });
    return (
      fit.earlyStopping !== undefined &&
      this.state.evaluationsWithoutImprovement >= fit.earlyStopping.patience
    );
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
