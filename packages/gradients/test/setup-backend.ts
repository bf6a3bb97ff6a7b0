import * as tf from '@tensorflow/tfjs';

// The full tfjs registers tfjs's own gradients: the reference ours are compared with.
if (!(await tf.setBackend('cpu'))) throw new Error("tfjs backend 'cpu' did not initialise");
await tf.ready();
