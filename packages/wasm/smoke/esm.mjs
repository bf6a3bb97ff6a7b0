// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarballs with
// only @tensorflow/tfjs-core and @tensorflow/tfjs-backend-wasm beside them.
import assert from 'node:assert/strict';
import { LSTM } from '@gated/cells';
import { installWasmKernels } from '@gated/wasm';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('wasm');
const status = await installWasmKernels({ threads: 1 });
assert.deepEqual(status.engines, ['wasm', 'fused', 'reference']);
const lstm = new LSTM({ inputSize: 5, hiddenSize: 7, seed: 42 });
const x = tf.randomNormal([6, 3, 5], 0, 1, 'float32', 1);
const { grads } = tf.variableGrads(() => tf.sum(tf.mul(lstm.forward(x).output, 3)));
assert.deepEqual(
  lstm.lastEngines.map((c) => c.engine),
  ['wasm'],
);
const norms = Object.values(grads).map((g) => tf.norm(g).dataSync()[0]);
assert.ok(norms.length === 4 && norms.every((n) => Number.isFinite(n) && n > 0), `${norms}`);
const onKernels = lstm.forward(x).output.dataSync();
const portable = lstm.forward(x, { engine: 'fused' }).output.dataSync();
const worst = onKernels.reduce((w, v, i) => Math.max(w, Math.abs(v - portable[i])), 0);
assert.ok(worst < 2e-6, `wasm vs fused ${worst}`);
console.log(
  'esm ok: engines',
  status.engines.join(' '),
  'simd',
  status.simd,
  'wasm vs fused',
  worst,
);
