// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarball.
const assert = require('node:assert/strict');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const { GRU, LSTM } = require('@gated/cells');

tf.setBackend('cpu').then(() => {
  const lstm = new LSTM({ inputSize: 16, hiddenSize: 32, batchFirst: true, seed: 42 });
  const { output, hN, cN } = lstm.forward(tf.randomNormal([4, 10, 16]));
  assert.deepEqual(
    [output.shape, hN.shape, cN.shape],
    [
      [4, 10, 32],
      [1, 4, 32],
      [1, 4, 32],
    ],
  );
  assert.equal(new GRU({ inputSize: 16, hiddenSize: 32 }).numParameters(), 4800);
  // Training on tfjs-core's CommonJS build, with the gradients the package registers.
  const { grads } = tf.variableGrads(() => tf.sum(lstm.forward(tf.ones([2, 3, 16])).output));
  const norms = Object.values(grads).map((g) => tf.norm(g).dataSync()[0]);
  assert.ok(norms.length === 4 && norms.every((n) => n > 0), `gradient norms ${norms}`);
  console.log('cjs ok: output', output.shape, 'hN', hN.shape, 'cN', cN.shape);
});
