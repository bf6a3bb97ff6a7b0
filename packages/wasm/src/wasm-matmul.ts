import { transposedWeight } from '@gated/cells';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
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
const COLUMN_SUMS = 'GatedColumnSums';

interface MatMulAttrs {
  aTransposed: boolean;
  bTransposed: boolean;
}

type KernelArgs = {
  inputs: Record<string, tf.TensorInfo | undefined>;
  attrs: unknown;
  backend: WasmBackend;
};

function matMulKernel({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const { a, b, bias } = inputs;
  const { aTransposed, bTransposed } = attrs as MatMulAttrs;
  const [M, K] = (aTransposed ? [a!.shape[1], a!.shape[0]] : a!.shape) as [number, number];
  const N = bTransposed ? b!.shape[0]! : b!.shape[1]!;
  const out = backend.makeOutput([M, N], 'float32');
  const ptr = (info: tf.TensorInfo | undefined) => heapPointer(backend, info);
  withScratch(backend, [packedFloats(K, N) + (aTransposed ? 4 * K : 0)], ([packed]) => {
    gatedWasm(backend)!.matmul(
      M,
      N,
      K,
      ptr(a),
      aTransposed ? 1 : 0,
      ptr(b),
      bTransposed ? 1 : 0,
      ptr(bias),
      packed!,
      ptr(out),
    );
  });
  return out;
}

function columnSumsKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { x } = inputs;
  const [M, N] = x!.shape as [number, number];
  const out = backend.makeOutput([N], 'float32');
  gatedWasm(backend)!.column_sums(M, N, heapPointer(backend, x), heapPointer(backend, out));
  return out;
}

const kernels = {
  [KERNEL]: matMulKernel as unknown as tf.KernelFunc,
  [COLUMN_SUMS]: columnSumsKernel as unknown as tf.KernelFunc,
};

/**
 * `a · b + bias` (no gradient of its own: callers inside tf.customGrad only).
 *
 * @param a `[M, K]`, or `[K, M]` with `aTransposed` (then without bias)
 * @param b `[K, N]`, or `[N, K]` with `bTransposed` (a weight in PyTorch's layout)
 * @param bias `[N]`, added to every row
 * @returns `[M, N]`
 */
export function product(
  a: Tensor2D,
  b: Tensor,
  options: { aTransposed?: boolean; bTransposed?: boolean; bias?: Tensor } = {},
): Tensor2D {
  const { aTransposed = false, bTransposed = false, bias } = options;
  if (aTransposed && bias) throw new Error('product: a bias with a transposed a is not supported');
  if (a.dtype === 'float32' && b.dtype === 'float32' && gatedWasmReady(kernels)) {
    const inputs: tf.NamedTensorMap = { a, b };
    if (bias) inputs.bias = bias;
    return tf.engine().runKernel(KERNEL, inputs, { aTransposed, bTransposed } as never) as Tensor2D;
  }
  // The wasm backend is slow with transposed operands: transpose first (cached in scopes).
  const left = aTransposed ? (tf.transpose(a) as Tensor2D) : a;
  const right = (bTransposed ? transposedWeight(b) : b) as Tensor2D;
  const result = tf.matMul(left, right) as Tensor2D;
  return bias ? (tf.add(result, bias) as Tensor2D) : result;
}

/**
 * The sum of each column, `[M, N]` → `[N]`: the gradient of a bias added to every row.
 * (tfjs-backend-wasm reduces only the innermost axis and transposes first to sum over rows.)
 */
export function columnSums(x: Tensor2D): Tensor {
  if (x.dtype === 'float32' && gatedWasmReady(kernels))
    return tf.engine().runKernel(COLUMN_SUMS, { x }) as Tensor;
  return tf.sum(x, 0);
}
