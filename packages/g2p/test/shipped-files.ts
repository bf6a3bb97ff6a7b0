import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointFiles } from '@gated/seq2seq';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** The package's own model folder. */
export const modelDir = join(import.meta.dirname, '..', 'model');

/** The shipped model's two files, read from disk. */
export function shippedFiles(): CheckpointFiles {
  return {
    'config.json': new Uint8Array(readFileSync(join(modelDir, 'config.json'))),
    'weights.safetensors': new Uint8Array(readFileSync(join(modelDir, 'weights.safetensors'))),
  };
}

/** Runs `body` and fails if it leaves more tensors alive than it found. */
export async function expectNoLeaks<T>(body: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await body();
  expect(tf.memory().numTensors).toBe(before);
  return result;
}
