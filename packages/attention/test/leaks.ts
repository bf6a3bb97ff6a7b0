import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Runs `body` and fails if it leaves more tensors alive than it found. */
export async function expectNoLeaks(body: () => void | Promise<void>): Promise<void> {
  const before = tf.memory().numTensors;
  await body();
  expect(tf.memory().numTensors).toBe(before);
}
