// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarballs.
import assert from 'node:assert/strict';
import { AdditiveAttention, lengthsToMask } from '@gated/attention';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('cpu');
const attention = new AdditiveAttention({ queryWidth: 5, keyWidth: 7, seed: 42 });
const keys = tf.randomNormal([3, 4, 7]);
const { context, weights } = attention.forward({
  query: tf.randomNormal([3, 5]),
  keys,
  values: keys,
  mask: lengthsToMask([4, 2, 3], 4),
});
assert.deepEqual(
  [context.shape, weights.shape],
  [
    [3, 7],
    [3, 4],
  ],
);
assert.deepEqual(weights.arraySync()[1].slice(2), [0, 0]);
console.log('esm ok: context', context.shape, 'weights', weights.shape);
