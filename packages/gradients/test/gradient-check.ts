import type { GradConfig, Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

/*
 * Checks our gradient configs against tfjs's own, which the test setup's full @tensorflow/tfjs
 * registers: each of ours is swapped in for its kernel alone, and the gradients must come out
 * as with tfjs's.
 */

let state = 42;

/** Seeded values in [-1, 1) of `shape` (a 32-bit linear congruential generator). */
export function random(shape: number[]): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from({ length: size }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 2 - 1;
  });
  return tf.tensor(values, shape);
}

async function expectNoLeaks(body: () => void | Promise<void>): Promise<void> {
  const before = tf.memory().numTensors;
  await body();
  expect(tf.memory().numTensors).toBe(before);
}

/** Seeded values in ±[0.5, 1.5): safe to divide by. */
export function awayFromZero(shape: number[]): Tensor {
  return tf.tidy(() => {
    const r = random(shape);
    return tf.add(r, tf.mul(tf.sign(r), 0.5));
  });
}

export interface GradientCase {
  kernel: string;
  name: string;
  inputs: () => Tensor[];
  /** Differentiable in every input; runs `kernel` at least once. */
  f: (...xs: Tensor[]) => Tensor;
  /**
   * The same function written so that tfjs's gradients can differentiate it, where they cannot
   * differentiate `f` (tfjs 4.22 does not reduce BatchMatMul's broadcast batch axes, and fails
   * on Unpack and SplitV with a single output). Default `f`.
   */
  reference?: (...xs: Tensor[]) => Tensor;
}

/** Runs `body` with `config` as its kernel's gradient, then puts tfjs's back. */
function withGradient<T>(config: GradConfig, body: () => T): T {
  const original = tf.getGradient(config.kernelName);
  if (original) tf.unregisterGradient(config.kernelName);
  tf.registerGradient(config);
  try {
    return body();
  } finally {
    tf.unregisterGradient(config.kernelName);
    if (original) tf.registerGradient(original);
  }
}

function largestDifference(a: Tensor, b: Tensor): number {
  return tf.tidy(() => (a.size === 0 ? 0 : tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!));
}

/** `gradients(xs, dy)` of `f` under `config`, counting the calls of its gradFunc. */
function gradientsWith(config: GradConfig, f: GradientCase['f'], xs: Tensor[], dy: Tensor) {
  let calls = 0;
  const counted: GradConfig = {
    ...config,
    gradFunc: (...args) => {
      calls += 1;
      return config.gradFunc(...args);
    },
  };
  const gradients = withGradient(counted, () => tf.grads(f)(xs, dy));
  return { gradients, calls };
}

/**
 * One `describe` per config, one test per case of its kernel: our gradient ran, and every
 * input's gradient is float32, of the input's shape, and within 1e-6 of tfjs's.
 */
export function describeAgainstTfjs(configs: readonly GradConfig[], cases: GradientCase[]): void {
  it('have a case for every kernel', () => {
    expect(new Set(cases.map((c) => c.kernel))).toEqual(new Set(configs.map((c) => c.kernelName)));
  });
  describe.each(configs.map((config) => ({ config, kernel: config.kernelName })))(
    '$kernel',
    ({ config }) => {
      it.each(cases.filter((c) => c.kernel === config.kernelName))(
        'matches tfjs within 1e-6: $name',
        async ({ inputs, f, reference }) => {
          const xs = inputs();
          await expectNoLeaks(() => {
            const dy = tf.tidy(() => random(f(...xs).shape));
            const expected = tf.grads(reference ?? f)(xs, dy);
            const { gradients, calls } = gradientsWith(config, f, xs, dy);
            expect(calls, 'our gradient ran').toBeGreaterThan(0);
            gradients.forEach((gradient, i) => {
              expect(gradient.dtype).toBe('float32');
              expect(gradient.shape).toEqual(expected[i]!.shape);
              expect(largestDifference(gradient, expected[i]!), `input ${i}`).toBeLessThan(1e-6);
            });
            tf.dispose([dy, ...expected, ...gradients]);
          });
          tf.dispose(xs);
        },
      );
    },
  );
}
