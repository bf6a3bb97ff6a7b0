import type { Tensor, Tensor2D } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { transposedWeight } from './transposed-weights';
import {
  gatedWasm,
  gatedWasmReady,
  heapPointer,
  packedFloats,
  type WasmBackend,
  withScratch,
} from './wasm-module';

/*
 * Matrix products on our wasm kernel. tfjs-backend-wasm 4.22 multiplies a [1600, 32] by a
 * [32, 512] at about 14 GFLOP/s here; the register-blocked kernel of wasm/recurrence.c runs the
 * same product at about 37, the same sums in the same order (the results are bitwise equal).
 */

const KERNEL = 'GatedMatMul';

interface MatMulAttrs {
  bTransposed: boolean;
}

function matMulKernel({
  inputs,
  attrs,
  backend,
}: {
  inputs: Record<string, tf.TensorInfo | undefined>;
  attrs: unknown;
  backend: WasmBackend;
}): tf.TensorInfo {
  const { a, b, bias } = inputs;
  const { bTransposed } = attrs as MatMulAttrs;
  const [M, K] = a!.shape as [number, number];
  const N = bTransposed ? b!.shape[0]! : b!.shape[1]!;
  const out = backend.makeOutput([M, N], 'float32');
  const ptr = (info: tf.TensorInfo | undefined) => heapPointer(backend, info);
  withScratch(backend, [packedFloats(K, N)], ([packed]) => {
    gatedWasm(backend)!.matmul(
      M,
      N,
      K,
      ptr(a),
      ptr(b),
      bTransposed ? 1 : 0,
      ptr(bias),
      packed!,
      ptr(out),
    );
  });
  return out;
}

/**
 * `a · b + bias` (no gradient of its own: callers inside tf.customGrad only).
 *
 * @param a `[M, K]`
 * @param b `[K, N]`, or `[N, K]` with `bTransposed` (a weight in PyTorch's layout)
 * @param bias `[N]`, added to every row
 * @returns `[M, N]`
 */
export function product(
  a: Tensor2D,
  b: Tensor,
  options: { bTransposed?: boolean; bias?: Tensor } = {},
): Tensor2D {
  const { bTransposed = false, bias } = options;
  if (
    a.dtype === 'float32' &&
    b.dtype === 'float32' &&
    gatedWasmReady({ [KERNEL]: matMulKernel as unknown as tf.KernelFunc })
  ) {
    const inputs: tf.NamedTensorMap = { a, b };
    if (bias) inputs.bias = bias;
    return tf.engine().runKernel(KERNEL, inputs, { bTransposed } as never) as Tensor2D;
  }
  // The wasm backend is slow with transposed operands: transpose first (cached in scopes).
  const result = tf.matMul(a, (bTransposed ? transposedWeight(b) : b) as Tensor2D) as Tensor2D;
  return bias ? (tf.add(result, bias) as Tensor2D) : result;
}
