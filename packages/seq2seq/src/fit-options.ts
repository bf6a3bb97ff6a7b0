import type { Example } from './batch';
import type { EvaluationMetrics } from './evaluate';
import { checkInteger, checkNumber, checkOptionKeys, describeValue } from './option-checks';
import type { Trainer } from './trainer';

/**
 * Why `fit` returned. The first five are the ones asked for; `diverged` is the divergence rule
 * (a finite loss that exploded, see `DivergenceOptions`); the `nonFinite*` ones are a NaN or
 * infinite loss, gradient or weight, after which `fit` throws `TrainingDivergedError`.
 */
export type StopReason =
  | 'maxSteps'
  | 'epochs'
  | 'earlyStopping'
  | 'timeBudget'
  | 'aborted'
  | 'diverged'
  | 'nonFiniteLoss'
  | 'nonFiniteGradients'
  | 'nonFiniteWeights';

/** The weights `fit` rolled back to: those of the best evaluation of this call. */
export interface RestoredBest {
  step: number;
  metric: 'loss' | 'exactMatch';
  /** The metric's value at that evaluation (exact match as a share, not negated). */
  value: number;
}

/** Progress, for a CLI progress bar or a web page. */
export type TrainingEvent =
  | {
      type: 'step';
      /** Updates done, this one included. */
      step: number;
      epoch: number;
      /** The training loss of this step's batch, before its update. */
      loss: number;
      /** The learning rate this step's update used (`trainer.learningRate` is the next one's). */
      learningRate: number;
      gradNorm: number;
      tokensPerSecond: number;
      elapsedSeconds: number;
      etaSeconds?: number;
    }
  | ({ type: 'evaluation'; step: number; epoch: number; improved: boolean } & EvaluationMetrics)
  | {
      type: 'stop';
      step: number;
      epoch: number;
      reason: StopReason;
      /** One sentence saying why, and what happened to the weights. */
      message: string;
      /** Set when the weights were rolled back to the best evaluation's. */
      restoredBest?: RestoredBest;
    };

/** What `Trainer.fit` trains on, when it stops, and whom it tells. */
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
  /**
   * The batches of an epoch, as indices into `train`: `batches(epoch)` → `[[i, j, …], …]`, each
   * batch non-empty. Default: a seeded shuffle cut into `batchSize` rows. Pass length buckets
   * (`bucketByLength` of `@gated/datasets`, seeded by the epoch) to pad less. It must give the
   * same batches for the same epoch every time: a resumed run continues at the saved batch.
   */
  batches?: (epoch: number) => ReadonlyArray<ReadonlyArray<number>>;
  /**
   * Stop after `patience` evaluations without improvement of `metric` (default `'loss'`); the
   * weights are then rolled back to the best evaluation's (see `restoreBest`). Needs `validation`.
   */
  earlyStopping?: { patience: number; metric?: 'loss' | 'exactMatch' };
  /**
   * On an early stop, a divergence or a non-finite value, put back the weights of this call's
   * best evaluation (kept in memory; needs `validation`). Default `true`: a run should hand back
   * the best model it had, not the one it stopped on. `false` saves that copy of the weights.
   */
  restoreBest?: boolean;
  /** Stop (cleanly, after a step) once this much time has passed in this call. */
  timeBudgetMs?: number;
  signal?: AbortSignal;
  /** Called with every `step`, `evaluation` and `stop` event. */
  onProgress?: (event: TrainingEvent) => void;
  /**
   * The resume checkpoint: called after every evaluation and when the run stops cleanly
   * (`maxSteps`, `epochs`, `timeBudget`, `aborted`), to save where the run is:
   * `writeCheckpoint(dir, saveTraining(trainer))`. Awaited. Skipped while the loss is above the
   * divergence threshold and when the run stops early or diverges, so the last one written is
   * the last healthy state; never called with non-finite weights (the run stops instead).
   */
  onCheckpoint?: (trainer: Trainer) => void | Promise<void>;
  /**
   * The best checkpoint: called after an evaluation that improved the early-stopping metric
   * (default the validation loss) on every earlier one, with the trainer holding those weights:
   * `writeCheckpoint(bestDir, saveModel(trainer.model))`. Awaited. A worse model never replaces
   * a better one here; never called with non-finite weights.
   */
  onBestCheckpoint?: (trainer: Trainer) => void | Promise<void>;
}

/** What `fit` resolves to. */
export interface FitResult<State> {
  reason: StopReason;
  message: string;
  restoredBest?: RestoredBest;
  state: State;
}

const KNOWN: ReadonlyArray<keyof FitOptions> = [
  'train',
  'validation',
  'epochs',
  'maxSteps',
  'evaluateEvery',
  'batches',
  'earlyStopping',
  'restoreBest',
  'timeBudgetMs',
  'signal',
  'onProgress',
  'onCheckpoint',
  'onBestCheckpoint',
];

/** Refuses fit options that would not run, or would never stop, naming them. */
export function checkFitOptions(fit: FitOptions): void {
  const where = 'Trainer.fit';
  checkOptionKeys(where, 'options', fit, KNOWN);
  if (!Array.isArray(fit.train) || fit.train.length === 0)
    throw new Error(
      `${where}: train must hold at least one example, got ${describeValue(fit.train)}`,
    );
  if (fit.validation !== undefined && !Array.isArray(fit.validation))
    throw new Error(
      `${where}: validation must be an array of examples, got ${describeValue(fit.validation)}`,
    );
  if (fit.epochs !== undefined) checkInteger(where, 'epochs', fit.epochs, 0);
  if (fit.maxSteps !== undefined) checkInteger(where, 'maxSteps', fit.maxSteps, 0);
  if (fit.evaluateEvery !== undefined) checkInteger(where, 'evaluateEvery', fit.evaluateEvery, 1);
  if (fit.timeBudgetMs !== undefined)
    checkNumber(where, 'timeBudgetMs', fit.timeBudgetMs, (v) => v >= 0, '≥ 0');
  if (fit.earlyStopping !== undefined) {
    checkOptionKeys(where, 'earlyStopping', fit.earlyStopping, ['patience', 'metric']);
    checkInteger(where, 'earlyStopping.patience', fit.earlyStopping.patience, 1);
    const metric = fit.earlyStopping.metric;
    if (metric !== undefined && metric !== 'loss' && metric !== 'exactMatch')
      throw new Error(
        `${where}: earlyStopping.metric must be 'loss' or 'exactMatch', got ${describeValue(metric)}`,
      );
    if (!fit.validation?.length)
      throw new Error(`${where}: earlyStopping needs validation examples to evaluate on`);
  }
  if (fit.restoreBest !== undefined && typeof fit.restoreBest !== 'boolean')
    throw new Error(
      `${where}: restoreBest must be true or false, got ${describeValue(fit.restoreBest)}`,
    );
  for (const name of ['batches', 'onProgress', 'onCheckpoint', 'onBestCheckpoint'] as const)
    if (fit[name] !== undefined && typeof fit[name] !== 'function')
      throw new Error(`${where}: ${name} must be a function, got ${describeValue(fit[name])}`);
  if (
    fit.epochs === undefined &&
    fit.maxSteps === undefined &&
    fit.timeBudgetMs === undefined &&
    !fit.earlyStopping
  ) {
    throw new Error(
      `${where}: give epochs, maxSteps, timeBudgetMs or earlyStopping, or it would never stop`,
    );
  }
}
