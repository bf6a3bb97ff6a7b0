import { decodeSafetensors, encodeSafetensors } from '@gated/cells';
import * as tf from '@tensorflow/tfjs-core';
import {
  CHECKPOINT_FORMAT,
  type CheckpointFiles,
  type CheckpointManifest,
  encodeManifest,
  listedFile,
  readManifest,
} from './checkpoint-manifest';
import { configDifferences, type ResolvedConfig } from './config';
import {
  CHECKPOINT_LIMITS,
  type CheckpointLimits,
  checkCheckpointConfig,
  checkTensorBytes,
  parameterCount,
} from './config-limits';
import { Seq2Seq } from './seq2seq';
import { Trainer, type TrainerOptions, type TrainerState } from './trainer';

export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type CheckpointFiles,
  type CheckpointManifest,
  readManifest,
  upgradeCheckpoint,
} from './checkpoint-manifest';
export { CHECKPOINT_LIMITS, type CheckpointLimits, parameterCount } from './config-limits';

/** What `training.json` holds: the trainer's options and counters. */
interface TrainingRecord {
  options: TrainerOptions;
  state: TrainerState;
  optimizerStep: number;
}

const encodeJson = (value: unknown) =>
  new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

function withManifest(model: Seq2Seq, extra: unknown, files: CheckpointFiles): CheckpointFiles {
  return { 'config.json': encodeManifest(model.config, extra, files), ...files };
}

/** How `saveModel` writes the weights. */
export interface SaveModelOptions {
  /**
   * How float32 weights are stored. Default `'F32'` (exact); `'F16'` halves a model shipped to a
   * web page (3 significant digits), and `loadModel` reads it back as float32.
   */
  floatDtype?: 'F32' | 'F16' | 'BF16';
}

/** A model checkpoint: `config.json` + `weights.safetensors` (PyTorch-style names). */
export function saveModel(
  model: Seq2Seq,
  extra?: unknown,
  options: SaveModelOptions = {},
): CheckpointFiles {
  const floatDtype = options.floatDtype ?? 'F32';
  if (!['F32', 'F16', 'BF16'].includes(floatDtype))
    throw new Error(`saveModel: floatDtype must be 'F32', 'F16' or 'BF16', got ${floatDtype}`);
  const dict = model.stateDict();
  try {
    return withManifest(model, extra, {
      'weights.safetensors': encodeSafetensors(dict, {
        metadata: { format: CHECKPOINT_FORMAT },
        floatDtype,
      }),
    });
  } finally {
    tf.dispose(Object.values(dict));
  }
}

/** A training checkpoint: the model files plus `optimizer.safetensors` and `training.json`. */
export function saveTraining(trainer: Trainer, extra?: unknown): CheckpointFiles {
  const dict = trainer.model.stateDict();
  const moments = trainer.optimizer.stateDict();
  try {
    const record: TrainingRecord = {
      options: trainer.options,
      state: trainer.state,
      optimizerStep: trainer.optimizer.step,
    };
    return withManifest(trainer.model, extra, {
      'weights.safetensors': encodeSafetensors(dict),
      'optimizer.safetensors': encodeSafetensors(moments),
      'training.json': encodeJson(record),
    });
  } finally {
    tf.dispose([...Object.values(dict), ...Object.values(moments)]);
  }
}

/** How far a loader trusts a checkpoint. */
export interface LoadOptions {
  /** Larger (or smaller) limits than `CHECKPOINT_LIMITS` on what the config may describe. */
  limits?: Partial<CheckpointLimits>;
}

/** The checked manifest and config of a checkpoint; nothing is allocated yet. */
interface OpenedCheckpoint {
  manifest: CheckpointManifest;
  config: ResolvedConfig;
  parameters: number;
  /** `weights.safetensors`, listed, checked, and as large as `parameters` need. */
  weights: Uint8Array;
}

function openCheckpoint(files: CheckpointFiles, options: LoadOptions): OpenedCheckpoint {
  const manifest = readManifest(files);
  const config = checkCheckpointConfig(manifest.config, {
    ...CHECKPOINT_LIMITS,
    ...options.limits,
  });
  const parameters = parameterCount(config);
  const weights = listedFile(manifest, files, 'weights.safetensors');
  checkTensorBytes('weights.safetensors', weights, parameters, [4, 2]);
  return { manifest, config, parameters, weights };
}

/**
 * A new model built from a checkpoint's config, with its weights, and the app's `extra`. The
 * config is checked against `options.limits` and against the weights' size before anything is
 * allocated; a refused checkpoint leaves no tensor behind.
 */
export function loadModel(
  files: CheckpointFiles,
  options: LoadOptions = {},
): { model: Seq2Seq; extra: unknown } {
  const { manifest, config, weights } = openCheckpoint(files, options);
  const model = new Seq2Seq(config);
  try {
    loadWeightsChecked(model, weights);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, extra: manifest.extra };
}

/**
 * Loads a checkpoint's weights into an existing model, refusing (and naming the fields) when
 * the checkpoint was made for a different configuration. Returns the app's `extra`.
 */
export function loadWeights(
  model: Seq2Seq,
  files: CheckpointFiles,
  options: LoadOptions = {},
): unknown {
  const { manifest, config, weights } = openCheckpoint(files, options);
  const differences = configDifferences(config, model.config);
  if (differences.length > 0) {
    throw new Error(
      `checkpoint: made for a different model configuration (checkpoint → model):\n  ${differences.join('\n  ')}`,
    );
  }
  loadWeightsChecked(model, weights);
  return manifest.extra;
}

/** Decodes a safetensors file; a file refused midway leaves no tensor behind. */
function decodeAll(bytes: Uint8Array): Record<string, tf.Tensor> {
  return tf.tidy(() => decodeSafetensors(bytes));
}

function loadWeightsChecked(model: Seq2Seq, weights: Uint8Array): void {
  const dict = decodeAll(weights);
  try {
    model.loadStateDict(dict);
  } finally {
    tf.dispose(Object.values(dict));
  }
}

/**
 * Trainer options that may differ from a training checkpoint's on resume. The batch size, seed
 * and Adam settings are part of the run's identity and stay as saved.
 */
export type TrainingOverrides = Partial<
  Pick<
    TrainerOptions,
    'learningRate' | 'schedule' | 'clipNorm' | 'labelSmoothing' | 'teacherForcing'
  >
>;

function readTrainingRecord(bytes: Uint8Array): TrainingRecord {
  let record: TrainingRecord;
  try {
    record = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new Error(`checkpoint: training.json is not valid JSON (${(error as Error).message})`);
  }
  const { options, state, optimizerStep } = record ?? {};
  if (!options || typeof options !== 'object' || !state || typeof state !== 'object')
    throw new Error('checkpoint: training.json must hold objects "options" and "state"');
  if (!Number.isSafeInteger(optimizerStep) || optimizerStep < 0)
    throw new Error(
      `checkpoint: training.json's optimizerStep must be a non-negative integer, got ${JSON.stringify(optimizerStep)}`,
    );
  return record;
}

/** Refuses moments that belong to no parameter of `model`, or have another shape, before Adam adopts them. */
function checkMoments(dict: Record<string, tf.Tensor>, model: Seq2Seq): void {
  const shapes = new Map(model.namedParameters().map(([name, p]) => [name, p.shape]));
  for (const [key, tensor] of Object.entries(dict)) {
    const shape = shapes.get(/^[mv]\.(.+)$/.exec(key)?.[1] ?? '');
    if (!shape)
      throw new Error(
        `checkpoint: optimizer.safetensors holds '${key}', expected m.<parameter> or v.<parameter> of this model`,
      );
    if (!tf.util.arraysEqual(shape, tensor.shape))
      throw new Error(
        `checkpoint: optimizer.safetensors: '${key}' has shape [${tensor.shape}], the parameter [${shape}]`,
      );
  }
}

/**
 * Restores a training run: a new model and trainer with the checkpoint's weights, optimizer
 * moments, options and counters. `fit` then continues exactly where the run stopped.
 *
 * `overrides` replaces some of the checkpoint's trainer options, e.g. a shorter cosine schedule
 * for a run that must finish sooner; the step counter and Adam moments carry on unchanged.
 * @example
 * const { trainer } = loadTraining(files, {
 *   schedule: { type: 'warmup-cosine', warmupSteps: 500, totalSteps: 15_000, minFactor: 0.02 },
 * });
 */
export function loadTraining(
  files: CheckpointFiles,
  overrides: TrainingOverrides = {},
  options: LoadOptions = {},
): { trainer: Trainer; extra: unknown } {
  const { manifest, config, parameters, weights } = openCheckpoint(files, options);
  const listed = (name: string) => Object.hasOwn(manifest.files, name);
  if (!listed('training.json') || !listed('optimizer.safetensors'))
    throw new Error(
      'checkpoint: not a training checkpoint (config.json lists no training.json or optimizer.safetensors); use loadModel',
    );
  const record = readTrainingRecord(listedFile(manifest, files, 'training.json'));
  const moments = listedFile(manifest, files, 'optimizer.safetensors');
  checkTensorBytes('optimizer.safetensors', moments, 2 * parameters, [4], true); // m and v
  const model = new Seq2Seq(config);
  let trainer: Trainer | undefined;
  try {
    loadWeightsChecked(model, weights);
    trainer = new Trainer(model, { ...record.options, ...overrides });
    trainer.state = record.state;
    const dict = decodeAll(moments);
    try {
      checkMoments(dict, model);
      trainer.optimizer.loadStateDict(dict, record.optimizerStep);
    } finally {
      tf.dispose(Object.values(dict));
    }
    return { trainer, extra: manifest.extra };
  } catch (error) {
    trainer?.dispose();
    model.dispose();
    throw error;
  }
}
