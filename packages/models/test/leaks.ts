import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Runs `run` and fails if it leaves more tensors alive than it found. */
export function expectNoLeaks<T>(run: () => T): T {
  const before = tf.memory().numTensors;
  const result = run();
  expect(tf.memory().numTensors).toBe(before);
  return result;
}
