// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarballs.
const assert = require('node:assert/strict');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const { LuongAttention } = require('@gated/attention');

tf.setBackend('cpu').then(() => {
  const attention = new LuongAttention({ score: 'general', queryWidth: 5, keyWidth: 7, seed: 42 });
  const keys = tf.randomNormal([3, 4, 7]);
  const { context, weights } = attention.forward({
    query: tf.randomNormal([3, 5]),
    keys,
    values: keys,
  });
  assert.deepEqual(
    [context.shape, weights.shape],
    [
      [3, 7],
      [3, 4],
    ],
  );
  console.log('cjs ok: context', context.shape, 'weights', weights.shape);
});
