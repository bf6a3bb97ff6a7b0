import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { columnSums, product } from './wasm-matmul';

/**
 * `x Wᵀ (+ b)` for a weight in PyTorch's `[out, in]` layout on our product kernel, the bias added
 * as the rows are written. Gradients: dx = dy W, dW = dyᵀ x (dy read transposed in place),
 * db = the column sums of dy. The wasm engine's input projection.
 *
 * @param x `[N, in]`
 * @param weight `[out, in]`
 * @param bias `[out]`
 * @returns `[N, out]`
 */
export function wasmLinear(x: Tensor2D, weight: Tensor, bias?: Tensor): Tensor2D {
  const inputs = bias ? [x, weight, bias] : [x, weight];
  const op = tf.customGrad(((...args: unknown[]) => {
    const save = args.at(-1) as tf.GradSaveFunc;
    const [input, w, b] = args as [Tensor2D, Tensor2D, Tensor | undefined];
    save([input, w]);
    return {
      value: product(input, w, { bTransposed: true, bias: bias ? b : undefined }),
      gradFunc: (dy: Tensor, [savedX, savedWeight]: Tensor[]) => {
        const grads = [
          product(dy as Tensor2D, savedWeight as Tensor2D),
          product(dy as Tensor2D, savedX as Tensor2D, { aTransposed: true }),
        ];
        return bias ? [...grads, columnSums(dy as Tensor2D)] : grads;
      },
    };
  }) as never) as (...tensors: Tensor[]) => Tensor2D;
  return op(...inputs);
}
