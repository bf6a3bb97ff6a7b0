// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarballs.
const assert = require('node:assert/strict');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const { LSTM } = require('@gated/cells');
const { loadKerasWeights, readKerasWeightName } = require('@gated/keras');

tf.setBackend('cpu').then(() => {
  assert.deepEqual(readKerasWeightName('bidirectional/backward_lstm/lstm_cell/bias:0'), {
    name: 'bidirectional/backward_lstm/lstm_cell/bias:0',
    role: 'bias',
    direction: 'backward',
  });
  const lstm = new LSTM({ inputSize: 3, hiddenSize: 2, batchFirst: true });
  const weights = {
    'lstm/kernel': tf.ones([3, 8]),
    'lstm/recurrent_kernel': tf.zeros([2, 8]),
    'lstm/bias': tf.zeros([8]),
  };
  loadKerasWeights(lstm, weights);
  // x = 0: every gate 0.5, the candidate 0, so c = h = 0.
  const { output } = lstm.forward(tf.zeros([1, 1, 3]));
  assert.deepEqual(Array.from(output.dataSync()), [0, 0]);
  assert.throws(
    () => loadKerasWeights(lstm, weights, { config: { recurrent_activation: 'hard_sigmoid' } }),
    /hard_sigmoid/,
  );
  console.log('cjs ok: LSTM loaded from Keras weights, output', output.shape);
});
