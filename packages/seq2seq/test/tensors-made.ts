import * as tf from '@tensorflow/tfjs-core';

/**
 * How many tensors and variables `body` created, freed or not: every one takes the engine's
 * next tensor id, so the ids of two probes around it count them. A refused load must make none.
 */
export function tensorsMadeBy(body: () => void): number {
  const before = tf.scalar(0);
  before.dispose();
  body();
  const after = tf.scalar(0);
  after.dispose();
  return after.id - before.id - 1;
}
