// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarball with
// only @tensorflow/tfjs-core and @tensorflow/tfjs-backend-cpu beside it.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { decodeSafetensors, encodeSafetensors, GRU, LSTM } from '@gated/cells';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

assert.throws(() => createRequire(import.meta.url).resolve('@tensorflow/tfjs'), /Cannot find/);
await tf.setBackend('cpu');
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
assert.equal(lstm.numParameters(), 6400);
assert.equal(new GRU({ inputSize: 16, hiddenSize: 32 }).numParameters(), 4800);
// A training step on tfjs-core alone: the package registers the gradients it needs.
const { grads } = tf.variableGrads(() =>
  tf.sum(tf.mul(lstm.forward(tf.randomNormal([2, 3, 16], 0, 1, 'float32', 7)).output, 2)),
);
const norms = Object.values(grads).map((g) => tf.norm(g).dataSync()[0]);
assert.equal(norms.length, 4);
assert.ok(
  norms.every((n) => Number.isFinite(n) && n > 0),
  `gradient norms ${norms}`,
);
const dict = decodeSafetensors(encodeSafetensors(lstm.stateDict()));
assert.equal(Object.keys(dict).length, 4);
console.log(
  'esm ok (tfjs-core + cpu, no @tensorflow/tfjs): output',
  output.shape,
  'engine',
  lstm.lastEngines[0].engine,
  'gradient norms',
  norms.map((n) => n.toFixed(3)).join(' '),
);
