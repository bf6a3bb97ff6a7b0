// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarballs
// with only @tensorflow/tfjs-core and @tensorflow/tfjs-backend-cpu beside them.
import assert from 'node:assert/strict';
import { GRU } from '@gated/cells';
import { kerasModelFromArtifacts, loadKerasWeights } from '@gated/keras';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('cpu');
// A Keras GRU(2) on 3 features, reset_after=True, with weights chosen so the output is known:
// only the candidate's input kernel is non-zero, so z = r = 0.5 and h1 = 0.5 · tanh(x · w_h).
const kernel = tf.tensor2d([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], [3, 6]);
const weights = {
  'gru/kernel': kernel,
  'gru/recurrent_kernel': tf.zeros([2, 6]),
  'gru/bias': tf.zeros([2, 6]),
};
const gru = new GRU({ inputSize: 3, hiddenSize: 2, batchFirst: true });
loadKerasWeights(gru, weights);
const { output } = gru.forward(tf.tensor3d([[[0.5, 2, 0]]]));
const expected = [0.5 * Math.tanh(0.5), 0.5 * Math.tanh(2)];
for (const [i, v] of output.dataSync().entries())
  assert.ok(Math.abs(v - expected[i]) < 1e-6, `output ${v}`);

// The same weights as a Sequential model's artifacts.
const { data, specs } = await tf.io.encodeWeights(weights);
const cell = { class_name: 'GRU', config: { name: 'gru', units: 2, reset_after: true } };
const model = kerasModelFromArtifacts({
  modelTopology: { class_name: 'Sequential', config: { name: 'm', layers: [cell] } },
  weightSpecs: specs,
  weightData: data,
});
const last = model.forward(tf.tensor3d([[[0.5, 2, 0]]])).dataSync();
assert.deepEqual(Array.from(last), Array.from(output.dataSync()));
assert.throws(
  () => loadKerasWeights(gru, weights, { config: { reset_after: false } }),
  /reset_after=False is not supported/,
);
console.log(
  'esm ok (tfjs-core + cpu, no @tensorflow/tfjs): GRU reset_after=True output',
  Array.from(last),
);
