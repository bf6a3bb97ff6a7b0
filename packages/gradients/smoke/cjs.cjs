// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarball.
const assert = require('node:assert/strict');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const { ensureGradients } = require('@gated/gradients');

tf.setBackend('cpu').then(() => {
  ensureGradients();
  // d/dx mean(x · x) = 2x / n, through Multiply and Mean.
  const got = tf
    .grad((x) => tf.mean(tf.mul(x, x)))(tf.tensor1d([1, -2, 4]))
    .dataSync();
  assert.deepEqual(Array.from(got), [2 / 3, -4 / 3, 8 / 3].map(Math.fround));
  console.log('cjs ok: d mean(x²) = 2x/n');
});
