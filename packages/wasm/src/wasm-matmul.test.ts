import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/fixtures';
import { maxDiff, onWasm, run } from '../test/kernel-runs';
import { sliceFlat } from './flat-slice';
import { uninstallWasmKernels } from './install';
import { gatedProducts } from './wasm-matmul';

const product = (a: tf.Tensor2D, b: tf.Tensor, options = {}) =>
  gatedProducts.product(a, b, options)!;
const columnSums = (x: tf.Tensor2D) => gatedProducts.columnSums(x)!;

afterEach(() => uninstallWasmKernels());

describe.runIf(onWasm)('product on the wasm kernel', () => {
  it('agrees with tf.matMul on odd shapes, with a transposed operand and a bias', async () => {
    const a = tf.randomNormal([7, 13], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal([13, 11], 0, 1, 'float32', 2) as tf.Tensor2D;
    const w = tf.randomNormal([11, 13], 0, 1, 'float32', 3) as tf.Tensor2D;
    const bias = tf.randomNormal([11], 0, 1, 'float32', 4);
    await expectNoLeaks(async () => {
      const plain = await run(true, () => product(a, b));
      expect(plain.names).toEqual(['GatedMatMul']);
      const reference = tf.matMul(a, b);
      expect(maxDiff(plain.value, reference)).toBeLessThan(1e-5);
      const withBias = product(a, w, { bTransposed: true, bias });
      const expected = tf.tidy(() => tf.add(tf.matMul(a, w, false, true), bias));
      expect(maxDiff(withBias, expected)).toBeLessThan(1e-5);
      tf.dispose([plain.value, reference, withBias, expected]);
    });
    tf.dispose([a, b, w, bias]);
  });

  it('reads a transposed left operand in place: Σ_t dz_tᵀ x_t', async () => {
    const dz = tf.randomNormal([9, 6], 0, 1, 'float32', 5) as tf.Tensor2D; // [K, M]
    const x = tf.randomNormal([9, 11], 0, 1, 'float32', 6) as tf.Tensor2D; // [K, N]
    await expectNoLeaks(async () => {
      const { value: ours, names } = await run(true, () => product(dz, x, { aTransposed: true }));
      expect(names).toEqual(['GatedMatMul']);
      const expected = tf.matMul(dz, x, true, false);
      expect(ours.shape).toEqual([6, 11]);
      expect(maxDiff(ours, expected)).toBeLessThan(1e-5);
      tf.dispose([ours, expected]);
    });
    tf.dispose([dz, x]);
  });

  it('sums columns as tf.sum over rows does, odd widths included', async () => {
    const x = tf.randomNormal([13, 7], 0, 1, 'float32', 7) as tf.Tensor2D;
    await expectNoLeaks(async () => {
      const ours = await run(true, () => columnSums(x));
      expect(ours.names).toEqual(['GatedColumnSums']);
      const expected = tf.sum(x, 0);
      expect(maxDiff(ours.value, expected)).toBeLessThan(1e-5);
      tf.dispose([ours.value, expected]);
    });
    x.dispose();
  });

  it('slices a flat tensor, and its gradient pads back', async () => {
    const x = tf.range(0, 10, 1, 'float32');
    await expectNoLeaks(async () => {
      const taken = await run(true, () => sliceFlat(x, 3, 4));
      expect(taken.names).toContain('GatedFlatSlice'); // inside the custom-gradient scope
      expect(Array.from(taken.value.dataSync())).toEqual([3, 4, 5, 6]);
      const gradient = tf.grad((t: Tensor) => tf.sum(tf.mul(sliceFlat(t, 3, 4), 2)))(x);
      expect(Array.from(gradient.dataSync())).toEqual([0, 0, 0, 2, 2, 2, 2, 0, 0, 0]);
      tf.dispose([taken.value, gradient]);
    });
    x.dispose();
  });
});
