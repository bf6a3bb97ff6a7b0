import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { columnSums, product } from './matrix-product';

/*
 * tfjs differentiates a @ b with dy @ bᵀ and aᵀ @ dy, and the wasm backend runs transposed
 * operands 6–13× slower than an explicit transpose followed by a plain product (measured:
 * [32,128]·[512,128]ᵀ 1.6 ms vs 0.18 ms; [1600,128]ᵀ·[1600,512] 89 ms vs 7 ms). This writes
 * the same math with explicit transposes.
 */
const linearOp = tf.customGrad(((...args: unknown[]) => {
  const save = args.at(-1) as tf.GradSaveFunc;
  const [x, weight, bias] = args.slice(0, -1) as [Tensor2D, Tensor2D, Tensor | undefined];
  save([x, weight]);
  return {
    value: product(x, weight, { bTransposed: true, bias }),
    gradFunc: (dy: Tensor, [savedX, savedWeight]: Tensor[]) => {
      const grads = [
        product(dy as Tensor2D, savedWeight as Tensor2D), // dx = dy W
        product(dy as Tensor2D, savedX as Tensor2D, { aTransposed: true }), // dW = dyᵀ x
      ];
      return bias ? [...grads, columnSums(dy as Tensor2D)] : grads; // db = Σ_rows dy
    },
  };
}) as never) as (...tensors: Tensor[]) => Tensor2D;

/**
 * `x Wᵀ (+ b)` for a weight in PyTorch's `[out, in]` layout: the product every Linear and input
 * projection computes, the bias added as the rows are written; every gradient a plain product.
 *
 * @param x `[N, in]`
 * @param weight `[out, in]`
 * @param bias `[out]`, optional
 * @returns `[N, out]`
 */
export function linearProduct(x: Tensor2D, weight: Tensor, bias?: Tensor): Tensor2D {
  return bias ? linearOp(x, weight, bias) : linearOp(x, weight);
}
