import type { MatrixProducts } from '@gated/cells';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { additiveAttention } from './wasm-attention';
import { attentionDecoderStep } from './wasm-decoder-step';
import { gatherRows } from './wasm-gather';
import { greedyAttentionDecode } from './wasm-greedy-decode';
import {
  gatedWasm,
  gatedWasmReady,
  heapPointer,
  type KernelArgs,
  packedFloats,
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
 * The products @gated/cells' `Linear`, input projections and weight gradients use, on our kernel
 * (`setMatrixProducts` installs them): undefined where the kernel cannot run, so that cells'
 * portable product runs instead.
 */
export const gatedProducts: MatrixProducts = {
  product(a, b, { aTransposed = false, bTransposed = false, bias }) {
    if (aTransposed && bias) return undefined; // the kernel adds a bias only to plain rows
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || !gatedWasmReady(kernels))
      return undefined;
    const inputs: tf.NamedTensorMap = { a, b };
    if (bias) inputs.bias = bias;
    return tf.engine().runKernel(KERNEL, inputs, { aTransposed, bTransposed } as never) as Tensor2D;
  },
  columnSums(x) {
    // tfjs-backend-wasm reduces only the innermost axis and transposes first to sum over rows.
    if (x.dtype !== 'float32' || !gatedWasmReady(kernels)) return undefined;
    return tf.engine().runKernel(COLUMN_SUMS, { x }) as Tensor;
  },
  additiveAttention,
  gatherRows,
  greedyAttentionDecode,
  attentionDecoderStep,
};
