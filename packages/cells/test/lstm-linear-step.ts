import * as tf from '@tensorflow/tfjs-core';
import { Linear } from '../src/linear';
import { LSTM } from '../src/lstm';
import { seededRandom, uniformValues } from '../src/seeded-random';

/** A gradient as plain data, to cross a process boundary. */
export interface GradientJson {
  shape: number[];
  values: number[];
}

export interface StepResult {
  lossBefore: number;
  lossAfter: number;
  grads: Record<string, GradientJson>;
}

/**
 * One SGD step of a 2-layer bidirectional LSTM (packed lengths) under a Linear head, on a
 * seeded batch, the LSTM run twice: fused and traced (`trace: true`, op by op on the tape).
 * Loss: mean squared error of both heads' outputs against a seeded target.
 */
export function lstmLinearStep(): StepResult {
  const lstm = new LSTM({
    inputSize: 5,
    hiddenSize: 7,
    numLayers: 2,
    bidirectional: true,
    seed: 42,
  });
  const head = new Linear({ inFeatures: 14, outFeatures: 3, seed: 43 });
  const random = seededRandom(44);
  const x = tf.tensor3d(uniformValues(random, 4 * 3 * 5, 1), [4, 3, 5]); // [T, B, in]
  const target = tf.tensor3d(uniformValues(random, 4 * 3 * 3, 1), [4, 3, 3]); // [T, B, out]
  const lengths = [4, 2, 3];
  const named = [...lstm.namedParameters('lstm.'), ...head.namedParameters('head.')];
  const loss = () =>
    tf.tidy(() => {
      let total = tf.scalar(0);
      for (const trace of [false, true]) {
        const { output } = lstm.forward(x, { lengths, trace }); // [T, B, 14]
        const error = tf.sub(head.forward(output), target); // [T, B, 3]
        total = tf.add(total, tf.mean(tf.mul(error, error)));
      }
      return total as tf.Scalar;
    });
  const { value, grads } = tf.variableGrads(
    loss,
    named.map(([, variable]) => variable),
  );
  const lossBefore = value.dataSync()[0]!;
  const byName: Record<string, GradientJson> = {};
  for (const [name, variable] of named) {
    const gradient = grads[variable.name]!;
    byName[name] = { shape: gradient.shape, values: Array.from(gradient.dataSync()) };
  }
  const optimizer = tf.train.sgd(0.1);
  optimizer.applyGradients(grads);
  const after = loss();
  const lossAfter = after.dataSync()[0]!;
  tf.dispose([value, after, x, target, ...Object.values(grads)]);
  optimizer.dispose();
  lstm.dispose();
  head.dispose();
  return { lossBefore, lossAfter, grads: byName };
}
