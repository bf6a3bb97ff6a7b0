import { seededRandom } from '@gated/cells';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { Adam, NonFiniteUpdateError } from './adam';
import { disposeBatch, type Example, makeTrainingBatch, type TrainingBatch } from './batch';
import { BestWeights } from './best-weights';
import { clipByGlobalNorm } from './clip';
import { countTowardsDivergence } from './divergence';
import { checkEpochBatches } from './epoch-batches';
import { evaluate } from './evaluate';
import { nonFiniteNames } from './finite';
import { checkFitOptions, type FitOptions, type FitResult, type StopReason } from './fit-options';
import { maskedCrossEntropy } from './loss';
import { afterEvaluation, learningRateAt } from './schedule';
import type { Seq2Seq } from './seq2seq';
import { checkExamples } from './token-checks';
import {
  type ResolvedTrainerOptions,
  resolveTrainerOptions,
  type TrainerOptions,
} from './trainer-options';
import { initialTrainerState, type TrainerState, withStateDefaults } from './trainer-state';
import { refusedStep, refuseNonFiniteWeights, TrainingDivergedError } from './training-diverged';
import { cleanStopReason, stopMessage, stopWith } from './training-stop';

export type { FitOptions, FitResult, RestoredBest, StopReason, TrainingEvent } from './fit-options';
export type { TrainerOptions } from './trainer-options';
export type { TrainerState } from './trainer-state';
export { type NonFiniteReason, TrainingDivergedError } from './training-diverged';

/**
 * Trains a `Seq2Seq` with masked cross-entropy, teacher forcing, Adam, gradient clipping and a
 * learning-rate schedule; deterministic for a seed and resumable from a training checkpoint.
 */
export class Trainer {
  readonly options: ResolvedTrainerOptions;
  readonly optimizer: Adam;
  private current: TrainerState = initialTrainerState();

  /** @throws when an option is out of range, naming it, what was expected and what came */
  constructor(
    readonly model: Seq2Seq,
    options: TrainerOptions = {},
  ) {
    this.options = resolveTrainerOptions(options);
    this.optimizer = new Adam(this.options.adam);
  }

  /** Where the run is: step, epoch, schedule, early stopping and history (saved by `saveTraining`). */
  get state(): TrainerState {
    return this.current;
  }

  /** Replaces the counters (a resume does); fields an older checkpoint lacks get their defaults. */
  set state(state: TrainerState) {
    this.current = withStateDefaults(state);
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
   * One update on `examples`. Returns the loss before the update, the gradient norm, and the
   * learning rate the update used.
   * @throws TrainingDivergedError when the loss, a gradient or an updated weight would be NaN or
   *   infinite; the update is refused, so the weights and Adam's state stay as they were
   */
  trainStep(examples: readonly Example[]): {
    loss: number;
    gradNorm: number;
    tokens: number;
    learningRate: number;
  } {
    const model = this.model;
    checkExamples('Trainer.trainStep', 'examples', model.config, examples);
    model.train();
    // In tidy, so that a batch refused halfway frees the tensors already made for it.
    const batch = tf.tidy(
      () => makeTrainingBatch(model.config, examples, 'Trainer') as unknown as tf.TensorContainer,
    ) as unknown as TrainingBatch;
    const named = model.namedParameters();
    const nameOf = new Map(named.map(([name, variable]) => [variable.name, name]));
    const seed = (this.options.seed * 1_000_003 + this.state.step * 7_919) % 2_147_483_647;
    let byName: Record<string, Tensor> = {};
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
      for (const [variableName, grad] of Object.entries(grads))
        byName[nameOf.get(variableName)!] = grad;
      if (!Number.isFinite(loss))
        throw refusedStep(this.model, this.state, 'nonFiniteLoss', `the loss became ${loss}`);
      const clipped = clipByGlobalNorm(byName, this.options.clipNorm);
      byName = clipped.grads;
      if (!Number.isFinite(clipped.norm)) {
        const where = nonFiniteNames(Object.entries(byName));
        throw refusedStep(
          this.model,
          this.state,
          'nonFiniteGradients',
          `the gradient norm became ${clipped.norm} (in ${where.join(', ')})`,
        );
      }
      const learningRate = this.learningRate;
      try {
        this.optimizer.apply(named, byName, learningRate);
      } catch (error) {
        if (!(error instanceof NonFiniteUpdateError)) throw error;
        throw refusedStep(
          this.model,
          this.state,
          'nonFiniteWeights',
          `the update (learning rate ${learningRate}) would make ${error.parameters.join(', ')} non-finite`,
        );
      }
      this.state.step += 1;
      return { loss, gradNorm: clipped.norm, tokens: batch.targetTokens, learningRate };
    } finally {
      tf.dispose(Object.values(byName));
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

  /**
   * Trains until `epochs`, `maxSteps`, early stopping, the time budget or `signal` says stop, or
   * the run diverges. On an early stop or a divergence the weights are rolled back to this call's
   * best evaluation (`restoreBest`), and the stop event says so.
   * @throws TrainingDivergedError on a NaN or infinite loss, gradient or weight, after the `stop` event
   */
  async fit(fit: FitOptions): Promise<FitResult<TrainerState>> {
    checkFitOptions(fit);
    checkExamples('Trainer.fit', 'train', this.model.config, fit.train);
    if (fit.validation?.length)
      checkExamples('Trainer.fit', 'validation', this.model.config, fit.validation);
    const best = fit.restoreBest !== false && fit.validation?.length ? new BestWeights() : null;
    try {
      return await this.fitLoop(fit, best);
    } catch (error) {
      if (!(error instanceof TrainingDivergedError)) throw error;
      const stopped = stopWith(this, fit, best, error.reason, error.message);
      throw new TrainingDivergedError(stopped.message, error.reason, error.step);
    } finally {
      best?.dispose();
    }
  }

  private async fitLoop(
    fit: FitOptions,
    best: BestWeights | null,
  ): Promise<FitResult<TrainerState>> {
    const { batchSize } = this.options;
    // The epoch's batches: the caller's (length buckets, say), else a seeded shuffle.
    let cached: { epoch: number; batches: ReadonlyArray<ReadonlyArray<number>> } | null = null;
    const epochBatches = (epoch: number) => {
      if (cached?.epoch !== epoch) {
        const batches = fit.batches
          ? checkEpochBatches(fit.batches(epoch), fit.train.length, epoch)
          : null;
        cached = { epoch, batches: batches ?? [] };
      }
      return cached.batches;
    };
    const countInEpoch = (epoch: number) =>
      fit.batches ? epochBatches(epoch).length : Math.ceil(fit.train.length / batchSize);
    const batchesPerEpoch = countInEpoch(this.state.epoch);
    const evaluateEvery = fit.evaluateEvery ?? batchesPerEpoch;
    const started = performance.now();
    const startStep = this.state.step;
    const totalSteps =
      fit.maxSteps ?? (fit.epochs !== undefined ? fit.epochs * batchesPerEpoch : undefined);
    let tokens = 0;
    for (;;) {
      const clean = cleanStopReason(fit, this.state, started);
      if (clean) return this.stop(fit, best, clean);
      let indices: ArrayLike<number>;
      if (fit.batches) {
        const batches = epochBatches(this.state.epoch);
        if (this.state.batchInEpoch >= batches.length)
          throw new Error(
            `Trainer.fit: batches(${this.state.epoch}) gave ${batches.length} batches, but the run is at batch ${this.state.batchInEpoch} of that epoch; batches must give the same batches for an epoch every time`,
          );
        indices = batches[this.state.batchInEpoch]!;
      } else {
        const order = this.epochOrder(fit.train.length, this.state.epoch);
        const from = this.state.batchInEpoch * batchSize;
        indices = order.subarray(from, from + batchSize);
      }
      const examples = Array.from(indices, (i) => fit.train[i]!);
      const { loss, gradNorm, tokens: batchTokens, learningRate } = this.trainStep(examples);
      tokens += batchTokens;
      this.state.batchInEpoch += 1;
      if (this.state.batchInEpoch >= countInEpoch(this.state.epoch)) {
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
        learningRate, // the rate this step's update used, not the next one's
        gradNorm,
        tokensPerSecond: tokens / elapsedSeconds,
        elapsedSeconds,
        etaSeconds:
          totalSteps !== undefined
            ? Math.max(0, totalSteps - this.state.step) / stepsPerSecond
            : undefined,
      });
      const V = this.model.config.targetVocabSize;
      const diverged = countTowardsDivergence(
        this.options.divergence,
        this.state.divergence,
        loss,
        V,
      );
      if (diverged) return this.stop(fit, best, 'diverged', diverged);
      if (fit.validation && fit.validation.length > 0 && this.state.step % evaluateEvery === 0) {
        const stopEarly = await this.evaluateAndTrack(fit, best);
        if (stopEarly) return this.stop(fit, best, 'earlyStopping', stopEarly);
      }
      // Let a page repaint and an abort signal arrive between steps.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  /** Ends the run: rolls back to the best weights where the reason calls for it, reports, saves. */
  private async stop(
    fit: FitOptions,
    best: BestWeights | null,
    reason: StopReason,
    detail = stopMessage(reason, fit),
  ): Promise<FitResult<TrainerState>> {
    const clean = reason !== 'earlyStopping' && reason !== 'diverged';
    if (clean) refuseNonFiniteWeights(this.model, this.state.step);
    const stopped = stopWith(this, fit, best, reason, detail);
    if (clean) await this.saveResume(fit);
    return { ...stopped, state: this.state };
  }

  /** Evaluates, tracks the best, hands out checkpoints; returns why to stop early, or null. */
  private async evaluateAndTrack(
    fit: FitOptions,
    best: BestWeights | null,
  ): Promise<string | null> {
    const metrics = evaluate(this.model, fit.validation!, {
      batchSize: this.options.batchSize,
      labelSmoothing: this.options.labelSmoothing,
    });
    if (!Number.isFinite(metrics.loss))
      throw new TrainingDivergedError(
        `Trainer: the validation loss became ${metrics.loss} at step ${this.state.step}; training stopped, and no checkpoint was saved from these weights.`,
        'nonFiniteLoss',
        this.state.step,
      );
    const metric = fit.earlyStopping?.metric ?? 'loss';
    const value = metric === 'loss' ? metrics.loss : -metrics.exactMatch;
    const improved = this.state.best === null || value < this.state.best;
    if (improved) {
      this.state.best = value;
      this.state.bestStep = this.state.step;
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
    refuseNonFiniteWeights(this.model, this.state.step);
    if (improved) {
      best?.capture(this.model.namedParameters(), this.state.step, value);
      await fit.onBestCheckpoint?.(this);
    }
    await this.saveResume(fit);
    const patience = fit.earlyStopping?.patience;
    if (patience === undefined || this.state.evaluationsWithoutImprovement < patience) return null;
    return `no improvement of the validation ${metric} in ${patience} evaluations`;
  }

  /** The resume checkpoint, unless the loss is above the divergence threshold right now. */
  private async saveResume(fit: FitOptions): Promise<void> {
    if (this.state.divergence.stepsAbove === 0) await fit.onCheckpoint?.(this);
  }

  /** Frees the optimizer's moments; the model stays the caller's to dispose. */
  dispose(): void {
    this.optimizer.dispose();
  }
}
