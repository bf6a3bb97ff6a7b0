import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { KerasModelArtifacts } from '../src/model-json';

/** Runs `body` and fails if it leaves more tensors alive than it found. */
export async function expectNoLeaks(body: () => void | Promise<void>): Promise<void> {
  const before = tf.memory().numTensors;
  await body();
  expect(tf.memory().numTensors).toBe(before);
}

/** Largest |a - b| after checking the shapes agree. */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  return worst;
}

/** What tf.layers' `model.save` writes, kept in memory. */
export async function savedArtifacts(model: tf.LayersModel): Promise<KerasModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved as KerasModelArtifacts;
}

/**
 * Replaces every weight of `model` with seeded draws from U(-0.5, 0.5), so that biases (zeros
 * in tf.layers' initialisation) are exercised too.
 */
export function randomizeWeights(model: tf.LayersModel, seed: number): void {
  const weights = model
    .getWeights()
    .map((w, i) => tf.randomUniform(w.shape, -0.5, 0.5, 'float32', seed + i));
  model.setWeights(weights);
  tf.dispose(weights);
}

const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export interface TensorJson {
  shape: number[];
  values: number[];
}

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(fixtureDir, name), 'utf8')) as T;
}

export function toTensor(json: TensorJson): Tensor {
  return tf.tensor(json.values, json.shape, 'float32');
}

/**
 * Writes `<name>.json` and its shards into `dir` as tfjs's file handlers do (tfjs-core's
 * getModelJSONForModelArtifacts, which tfjs does not export): the save's fields and a
 * weightsManifest naming the shard files the weights' bytes are split into. Returns model.json's path.
 */
export function writeModelJson(
  dir: string,
  name: string,
  artifacts: KerasModelArtifacts,
  shards: Uint8Array[],
): string {
  const paths = shards.map((_, i) => `${name}.group1-shard${i + 1}of${shards.length}.bin`);
  for (const [i, bytes] of shards.entries()) writeFileSync(join(dir, paths[i]!), bytes);
  const { modelTopology, format, generatedBy, convertedBy } = artifacts as tf.io.ModelArtifacts;
  const json = {
    modelTopology,
    format,
    generatedBy,
    convertedBy,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs }],
  };
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(json));
  return file;
}
