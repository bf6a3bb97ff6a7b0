// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarball with
// only @tensorflow/tfjs-core and @tensorflow/tfjs-backend-cpu beside it.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { ensureGradients, gradientConfigs } from '@gated/gradients';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

assert.throws(() => createRequire(import.meta.url).resolve('@tensorflow/tfjs'), /Cannot find/);
await tf.setBackend('cpu');
// tfjs-core alone has no gradient for tanh: differentiating it fails until ours are registered.
const f = (x) => tf.sum(tf.mul(tf.tanh(x), x));
assert.throws(() => tf.grad(f)(tf.tensor1d([0.5])), /gradient/i);
const registered = ensureGradients();
assert.equal(registered.length, gradientConfigs.length);
// d/dx (x tanh x) = tanh x + x (1 - tanh² x)
const x = [-1.5, 0.25, 2];
const expected = x.map((v) => Math.tanh(v) + v * (1 - Math.tanh(v) ** 2));
const got = tf.grad(f)(tf.tensor1d(x)).dataSync();
for (const [i, g] of got.entries())
  assert.ok(Math.abs(g - expected[i]) < 1e-6, `${g} vs ${expected[i]}`);
console.log(
  `esm ok (tfjs-core + cpu): registered ${registered.length} gradients, d(x tanh x) right`,
);
