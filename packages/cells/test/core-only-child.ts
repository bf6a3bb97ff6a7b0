/**
 * Run in a separate Node process by src/core-only.test.ts, with @tensorflow/tfjs-core
 * and one backend only, never the full @tensorflow/tfjs (whose import registers tfjs's
 * gradients): trains an LSTM + Linear for a step and prints, as one JSON line, which gradients
 * were registered before and after the first Module, and the step's losses and gradients.
 * Usage: core-only-child.ts <cpu|wasm>
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { gradientConfigs } from '@gated/gradients';
import { lstmLinearStep } from './lstm-linear-step';

const backend = process.argv[2] ?? 'cpu';
if (!(await tf.setBackend(backend)))
  throw new Error(`tfjs backend '${backend}' did not initialise`);
await tf.ready();
const registered = () => gradientConfigs.filter((c) => tf.getGradient(c.kernelName) != null);
const before = registered().map((c) => c.kernelName);
const step = lstmLinearStep();
const ours = gradientConfigs
  .filter((c) => tf.getGradient(c.kernelName) === c)
  .map((c) => c.kernelName);
console.log(JSON.stringify({ backend: tf.getBackend(), before, ours, ...step }));
