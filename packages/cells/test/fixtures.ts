import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** A tensor as the fixture script writes it; non-finite values come as strings. */
export interface TensorJson {
  shape: number[];
  values: Array<number | string>;
}

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(fixtureDir, name), 'utf8')) as T;
}

export function readFixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(fixtureDir, name)));
}

export function toTensor(json: TensorJson): Tensor {
  return tf.tensor(json.values.map(Number), json.shape, 'float32');
}

/** Largest |actual - expected|, after checking the shapes agree. */
export function maxAbsDiff(actual: Tensor, expected: TensorJson): number {
  expect(actual.shape).toEqual(expected.shape);
  const values = actual.dataSync();
  let worst = 0;
  expected.values.forEach((value, i) => {
    worst = Math.max(worst, Math.abs(values[i]! - Number(value)));
  });
  return worst;
}

/** Runs `body` and fails if it leaves more tensors alive than it found. */
export async function expectNoLeaks(body: () => void | Promise<void>): Promise<void> {
  const before = tf.memory().numTensors;
  await body();
  expect(tf.memory().numTensors).toBe(before);
}

/** Loads a fixture's `state_dict` into a module (the tensors are freed afterwards). */
export function loadTorchStateDict(
  module: { loadStateDict(dict: Record<string, Tensor>): unknown },
  json: Record<string, TensorJson>,
): void {
  const dict = Object.fromEntries(
    Object.entries(json).map(([name, value]) => [name, toTensor(value)]),
  );
  module.loadStateDict(dict);
  tf.dispose(Object.values(dict));
}
