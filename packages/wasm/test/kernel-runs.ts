import type { GRU, LSTM, RNN } from '@gated/cells';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { installWasmKernels, uninstallWasmKernels } from '../src/install';

export const onWasm = tf.getBackend() === 'wasm';
export const maxDiff = (a: Tensor, b: Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

/** Runs `body` with our kernels installed (on `threads`) or not, and the kernel names tfjs ran. */
export async function run<T>(
  kernels: boolean,
  body: () => T,
  threads = 1,
): Promise<{ value: T; names: string[] }> {
  if (kernels) await installWasmKernels({ threads });
  else uninstallWasmKernels();
  let value: T | undefined;
  const profile = await tf.profile(() => {
    value = body();
    return [] as unknown as tf.TensorContainer;
  });
  return { value: value as T, names: profile.kernelNames };
}

export type Layer = LSTM | GRU | RNN;

/** Outputs, final states and the gradients of every parameter and of x, as arrays. */
export function forwardAndGradients(layer: Layer, x: Tensor3D, lengths?: number[]): Float32Array[] {
  return tf.tidy(() => {
    const parameters = layer.parameters();
    const loss = () => {
      const result = layer.forward(x, lengths ? { lengths } : {}) as {
        output: Tensor;
        hN: Tensor;
        cN?: Tensor;
      };
      // Weights on every output element so that each gradient path is exercised.
      const weights = tf.linspace(-1, 1, result.output.size).reshape(result.output.shape);
      let total = tf.add(tf.sum(tf.mul(result.output, weights)), tf.sum(tf.square(result.hN)));
      if (result.cN) total = tf.add(total, tf.sum(tf.mul(result.cN, 0.5)));
      return total as tf.Scalar;
    };
    const { grads } = tf.variableGrads(loss, parameters as tf.Variable[]);
    const dx = tf.grad((input: Tensor) => {
      const r = layer.forward(input as Tensor3D, lengths ? { lengths } : {});
      return tf.sum(tf.square(r.output));
    })(x);
    const result = layer.forward(x, lengths ? { lengths } : {}) as {
      output: Tensor;
      hN: Tensor;
      cN?: Tensor;
    };
    return [
      result.output,
      result.hN,
      ...(result.cN ? [result.cN] : []),
      dx,
      ...Object.values(grads),
    ].map((t) => t.dataSync() as Float32Array);
  });
}
