// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarball.
import assert from 'node:assert/strict';
import { decodeSafetensors, encodeSafetensors, GRU, LSTM } from '@gated/cells';
import * as tf from '@tensorflow/tfjs';

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
const dict = decodeSafetensors(encodeSafetensors(lstm.stateDict()));
assert.equal(Object.keys(dict).length, 4);
console.log(
  'esm ok: output',
  output.shape,
  'hN',
  hN.shape,
  'cN',
  cN.shape,
  'parameters',
  lstm.numParameters(),
);
