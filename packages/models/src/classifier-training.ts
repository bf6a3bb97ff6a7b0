import { decodeSafetensors, encodeSafetensors } from '@gated/cells';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { RecallBatch } from './recall-data';
import { SequenceClassifier, type SequenceClassifierConfig } from './sequence-classifier';

/** One Adam update on a batch; returns the loss before the update. */
export function classifierStep(
  model: SequenceClassifier,
  optimizer: tf.Optimizer,
  batch: RecallBatch,
): number {
  const tokens = tf.tensor2d(batch.tokens, undefined, 'int32') as Tensor2D;
  const labels = tf.tensor1d(batch.labels, 'int32') as Tensor1D;
  try {
    const loss = optimizer.minimize(() => model.loss(tokens, labels), true, model.parameters());
    const value = loss?.dataSync()[0] ?? Number.NaN;
    loss?.dispose();
    return value;
  } finally {
    tf.dispose([tokens, labels]);
  }
}

/** Share of a batch whose predicted class equals the label. */
export function classifierAccuracy(model: SequenceClassifier, batch: RecallBatch): number {
  const predicted = tf.tidy(() =>
    tf.argMax(model.forward(tf.tensor2d(batch.tokens, undefined, 'int32') as Tensor2D), 1),
  );
  const values = predicted.dataSync();
  predicted.dispose();
  let correct = 0;
  for (const [i, label] of batch.labels.entries()) if (values[i] === label) correct++;
  return correct / batch.labels.length;
}

/** What `config.json` of a saved classifier holds. */
export interface ClassifierManifest<Extra = unknown> {
  format: 'gated-classifier';
  formatVersion: 1;
  config: SequenceClassifierConfig;
  extra: Extra;
}

/** A classifier as two files: `config.json` and `weights.safetensors`. */
export function saveClassifier<Extra>(
  model: SequenceClassifier,
  extra: Extra,
): { 'config.json': string; 'weights.safetensors': Uint8Array } {
  const manifest: ClassifierManifest<Extra> = {
    format: 'gated-classifier',
    formatVersion: 1,
    config: model.config,
    extra,
  };
  const dict = model.stateDict();
  try {
    return {
      'config.json': `${JSON.stringify(manifest, null, 2)}\n`,
      'weights.safetensors': encodeSafetensors(dict),
    };
  } finally {
    tf.dispose(Object.values(dict));
  }
}

/**
 * Rebuilds a saved classifier.
 * @throws when the manifest is not a gated classifier or the weights do not fit its config
 */
export function loadClassifier<Extra>(
  configJson: string,
  weights: Uint8Array,
): { model: SequenceClassifier; extra: Extra } {
  const manifest = JSON.parse(configJson) as Partial<ClassifierManifest<Extra>>;
  if (manifest.format !== 'gated-classifier' || manifest.formatVersion !== 1 || !manifest.config)
    throw new Error(
      `loadClassifier: expected a gated-classifier manifest, version 1, got format ${JSON.stringify(manifest.format)} version ${JSON.stringify(manifest.formatVersion)}`,
    );
  const model = new SequenceClassifier(manifest.config);
  const dict = decodeSafetensors(weights);
  try {
    model.loadStateDict(dict);
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    tf.dispose(Object.values(dict));
  }
  return { model, extra: manifest.extra as Extra };
}
