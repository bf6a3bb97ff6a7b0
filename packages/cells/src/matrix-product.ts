import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { transposedWeight } from './transposed-weights';

/** Options of a product: which operand is given transposed, and a bias for every row. */
export interface ProductOptions {
  aTransposed?: boolean;
  bTransposed?: boolean;
  bias?: Tensor;
}

/**
 * Faster products an accelerator provides (`@gated/wasm` on the wasm backend); each returns
 * undefined where it cannot run, and the portable product below runs instead.
 */
export interface MatrixProducts {
  /** `a · b` (each possibly given transposed) plus the bias, `[M, N]`; undefined where it cannot run. */
  product(a: Tensor2D, b: Tensor, options: ProductOptions): Tensor2D | undefined;
  /** The sum of each column of `x`, `[M, N]` → `[N]`; undefined where it cannot run. */
  columnSums(x: Tensor2D): Tensor | undefined;
}

let accelerated: MatrixProducts | undefined;

/** Installs (or, with undefined, removes) the accelerator's products used by `Linear` and friends. */
export function setMatrixProducts(products: MatrixProducts | undefined): void {
  accelerated = products;
}

/**
 * `a · b + bias`, on the accelerator's product where one is installed, else on public tfjs ops (no gradient of its own: callers inside tf.customGrad only).
 * Transposed operands are transposed explicitly first: tfjs-backend-wasm multiplies transposed
 * operands 6–13× slower than a transpose followed by a plain product.
 *
 * @param a `[M, K]`, or `[K, M]` with `aTransposed`
 * @param b `[K, N]`, or `[N, K]` with `bTransposed` (a weight in PyTorch's layout)
 * @param bias `[N]`, added to every row
 * @returns `[M, N]`
 */
export function product(a: Tensor2D, b: Tensor, options: ProductOptions = {}): Tensor2D {
  const fast = accelerated?.product(a, b, options);
  if (fast) return fast;
  const { aTransposed = false, bTransposed = false, bias } = options;
  const left = aTransposed ? (tf.transpose(a) as Tensor2D) : a;
  const right = (bTransposed ? transposedWeight(b) : b) as Tensor2D;
  const result = tf.matMul(left, right) as Tensor2D;
  return bias ? (tf.add(result, bias) as Tensor2D) : result;
}

/** The sum of each column, `[M, N]` → `[N]`: the gradient of a bias added to every row. */
export function columnSums(x: Tensor2D): Tensor {
  return accelerated?.columnSums(x) ?? tf.sum(x, 0);
}
