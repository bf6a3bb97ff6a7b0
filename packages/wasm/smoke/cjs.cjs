// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarballs.
const assert = require('node:assert/strict');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-wasm');
const { LSTM } = require('@gated/cells');
const { installWasmKernels } = require('@gated/wasm');

(async () => {
  await tf.setBackend('wasm');
  const status = await installWasmKernels();
  const lstm = new LSTM({ inputSize: 32, hiddenSize: 128, seed: 1 }); // T·B·H² = 10.5M ≥ 2²²: threads pay
  const { output } = lstm.forward(tf.randomNormal([40, 16, 32]));
  assert.deepEqual(output.shape, [40, 16, 128]);
  const engine = lstm.lastEngines[0].engine;
  assert.equal(engine, status.threads > 1 ? 'wasm-threads' : 'wasm');
  console.log('cjs ok: threads', status.threads, 'engine', engine);
})();
