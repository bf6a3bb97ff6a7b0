import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { columnSums, product } from './matrix-product';

/*
 * Matrix products whose gradients avoid transposed matmuls. tfjs differentiates a @ b with
 * dy @ bᵀ and aᵀ @ dy, and the wasm backend runs transposed operands 6–13× slower than an
 * explicit transpose followed by a plain product (measured: [32,128]·[512,128]ᵀ 1.6 ms vs 0.18 ms;
 * [1600,128]ᵀ·[1600,512] 89 ms vs 7 ms). These write the same math with explicit transposes.
 */

/**
 * `x Wᵀ` for a weight in PyTorch's `[out, in]` layout: the product every Linear and input
 * projection computes. Gradients: dx = dy W, dW = dyᵀ x, both plain products.
 *
 * @param x `[N, in]`
 * @param weight `[out, in]`
 * @returns `[N, out]`
 */
export const linearProduct = tf.customGrad(((...args: unknown[]) => {
  const [x, weight, save] = args as [Tensor2D, Tensor2D, tf.GradSaveFunc];
  save([x, weight]);
  return {
    value: product(x, weight, { bTransposed: true }),
    gradFunc: (dy: Tensor, [savedX, savedWeight]: Tensor[]) => [
      product(dy as Tensor2D, savedWeight as Tensor2D),
      product(dy as Tensor2D, savedX as Tensor2D, { aTransposed: true }),
    ],
  };
}) as never) as (x: Tensor2D, weight: Tensor) => Tensor2D;

/**
 * `x Wᵀ + b` as one product, the bias added as the rows are written. Gradients: dx = dy W,
 * dW = dyᵀ x, db = the column sums of dy.
 *
 * @param x `[N, in]`
 * @param weight `[out, in]`
 * @param bias `[out]`
 * @returns `[N, out]`
 */
export const linearWithBias = tf.customGrad(((...args: unknown[]) => {
  const [x, weight, bias, save] = args as [Tensor2D, Tensor2D, Tensor, tf.GradSaveFunc];
  save([x, weight]);
  return {
    value: product(x, weight, { bTransposed: true, bias }),
    gradFunc: (dy: Tensor, [savedX, savedWeight]: Tensor[]) => [
      product(dy as Tensor2D, savedWeight as Tensor2D),
      product(dy as Tensor2D, savedX as Tensor2D, { aTransposed: true }),
      columnSums(dy as Tensor2D),
    ],
  };
}) as never) as (x: Tensor2D, weight: Tensor, bias: Tensor) => Tensor2D;
