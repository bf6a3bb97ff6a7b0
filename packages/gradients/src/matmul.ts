import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { unbroadcast } from './broadcast';

/**
 * `C = op(A) · op(B)` over the last two axes, `op` a transpose where `transposeA`/`transposeB`
 * is set, batch axes broadcast. From `∂op(A) = dC · op(B)ᵀ` and `∂op(B) = op(A)ᵀ · dC`, undoing
 * `op` on each side:
 *
 * | transposeA | ∂A            | transposeB | ∂B            |
 * |------------|---------------|------------|---------------|
 * | no         | dC · op(B)ᵀ   | no         | op(A)ᵀ · dC   |
 * | yes        | op(B) · dCᵀ   | yes        | dCᵀ · op(A)   |
 *
 * Each is then summed over the batch axes its input was broadcast along.
 */
const batchMatMul: GradConfig = {
  kernelName: tf.BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b], attrs: NamedAttrMap) => {
    const dC = dy as Tensor;
    const tA = attrs.transposeA === true;
    const tB = attrs.transposeB === true;
    return {
      // op(B)ᵀ is B when tB, else Bᵀ; op(A)ᵀ is A when tA, else Aᵀ.
      a: () =>
        unbroadcast(tA ? tf.matMul(b!, dC, tB, true) : tf.matMul(dC, b!, false, !tB), a!.shape),
      b: () =>
        unbroadcast(tB ? tf.matMul(dC, a!, true, tA) : tf.matMul(a!, dC, !tA, false), b!.shape),
    };
  },
};

/** The gradient of `BatchMatMul`. */
export const matmulGradients: readonly GradConfig[] = [batchMatMul];
