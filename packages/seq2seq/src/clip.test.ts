import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/leaks';
import { clipByGlobalNorm } from './clip';

function values(grads: Record<string, tf.Tensor>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(grads).map(([k, t]) => [k, Array.from(t.dataSync())]));
}

describe('global-norm clipping', () => {
  it('clips as torch does: g · maxNorm / (norm + 1e-6)', async () => {
    await expectNoLeaks(() => {
      const grads = { a: tf.tensor1d([3, 0, 0]), b: tf.tensor2d([[0], [4]]) };
      const { grads: clipped, norm } = clipByGlobalNorm(grads, 2.5);
      expect(norm).toBeCloseTo(5, 6);
      const scale = 2.5 / (5 + 1e-6);
      const got = values(clipped);
      expect(got.a![0]).toBeCloseTo(3 * scale, 6);
      expect(got.b).toEqual([0, expect.closeTo(4 * scale, 6)]);
      tf.dispose(Object.values(clipped));
    });
  });

  it('leaves gradients under the limit, and everything with maxNorm 0, as they were', async () => {
    await expectNoLeaks(() => {
      const grads = { a: tf.tensor1d([0.3, -0.4]) };
      expect(clipByGlobalNorm(grads, 1).grads).toBe(grads);
      expect(clipByGlobalNorm(grads, 0).grads).toBe(grads);
      tf.dispose(Object.values(grads));
    });
  });

  it('a norm beyond float32 (Σg² overflows) is measured and clipped, not skipped', async () => {
    await expectNoLeaks(() => {
      const grads = { a: tf.tensor1d([3e20, 0]), b: tf.tensor2d([[4e20, 0, 1e19]]) };
      const { grads: clipped, norm } = clipByGlobalNorm(grads, 5);
      expect(norm / Math.hypot(3e20, 4e20, 1e19)).toBeCloseTo(1, 6);
      const got = values(clipped);
      expect(got.a![0]).toBeCloseTo((5 * 3e20) / norm, 5);
      expect(got.b![0]).toBeCloseTo((5 * 4e20) / norm, 5);
      expect(got.b![2]).toBeCloseTo((5 * 1e19) / norm, 5);
      tf.dispose(Object.values(clipped));
    });
  });

  it('tiny gradients keep their precision; NaN and ±Infinity come back as a non-finite norm', async () => {
    await expectNoLeaks(() => {
      const tiny = { a: tf.tensor1d([3e-30, 4e-30]) }; // Σg² underflows float32 to 0
      expect(clipByGlobalNorm(tiny, 0).norm / 5e-30).toBeCloseTo(1, 6);
      const zeros = { a: tf.zeros([2, 3]) };
      expect(clipByGlobalNorm(zeros, 1).norm).toBe(0);
      const nan = { a: tf.tensor1d([1, Number.NaN]), b: tf.tensor1d([2]) };
      const inf = { a: tf.tensor1d([1, Number.NEGATIVE_INFINITY]) };
      expect(clipByGlobalNorm(nan, 1)).toEqual({ grads: nan, norm: Number.NaN });
      expect(clipByGlobalNorm(inf, 1)).toEqual({ grads: inf, norm: Number.POSITIVE_INFINITY });
      tf.dispose([tiny.a, zeros.a, ...Object.values(nan), ...Object.values(inf)]);
    });
  });
});
