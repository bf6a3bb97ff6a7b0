import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';

// Tests run on the Node default, wasm; GATED_TEST_BACKEND=cpu runs them on the reference kernels.
const backend = process.env.GATED_TEST_BACKEND ?? 'wasm';
if (!(await tf.setBackend(backend)))
  throw new Error(`tfjs backend '${backend}' did not initialise`);
await tf.ready();
