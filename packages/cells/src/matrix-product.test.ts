import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AdditiveAttentionCall,
  acceleratedAdditiveAttention,
  setMatrixProducts,
} from './matrix-product';

afterEach(() => setMatrixProducts(undefined));

/** An accelerator that records the calls it gets and answers with zeros of the right shapes. */
function recordingAccelerator(calls: AdditiveAttentionCall[]) {
  setMatrixProducts({
    product: () => undefined,
    columnSums: () => undefined,
    additiveAttention(call) {
      calls.push(call);
      const [batch, steps] = call.projectedKeys.shape;
      return {
        weights: tf.zeros([batch, steps]) as Tensor2D,
        context: tf.zeros([batch, call.values.shape[2]]) as Tensor2D,
      };
    },
  });
}

const call = (): AdditiveAttentionCall => ({
  query: tf.zeros([3, 5]) as Tensor2D,
  queryWeight: tf.zeros([7, 5]) as Tensor2D,
  projectedKeys: tf.zeros([3, 4, 7]) as Tensor3D,
  energyWeight: tf.zeros([1, 7]) as Tensor2D,
  values: tf.zeros([3, 4, 6]) as Tensor3D,
  mask: tf.ones([3, 4]) as Tensor2D,
});

describe('acceleratedAdditiveAttention', () => {
  it('is undefined without an accelerator, and hands a well-shaped call to one', () => {
    const good = call();
    expect(acceleratedAdditiveAttention(good)).toBeUndefined();
    const calls: AdditiveAttentionCall[] = [];
    recordingAccelerator(calls);
    const out = acceleratedAdditiveAttention(good)!;
    expect(calls).toHaveLength(1);
    expect(out.weights.shape).toEqual([3, 4]);
    expect(out.context.shape).toEqual([3, 6]);
    tf.dispose([out.weights, out.context, ...Object.values(good)]);
  });

  it.each([
    ['queryWeight', [7, 4], 'queryWeight must be [7, 5], got [7, 4]'],
    ['energyWeight', [1, 6], 'energyWeight must be [1, 7], got [1, 6]'],
    ['query', [2, 5], 'query must be [3, query], got [2, 5]'],
    ['values', [3, 5, 6], 'values must be [3, 4, value], got [3, 5, 6]'],
    ['mask', [3, 3], 'mask must be [3, 4], got [3, 3]'],
  ] as const)('refuses a %s of shape %j before the kernel reads it', (name, shape, message) => {
    const calls: AdditiveAttentionCall[] = [];
    recordingAccelerator(calls);
    const bad = call();
    const wrong = tf.zeros(shape as unknown as number[]);
    const given = { ...bad, [name]: wrong } as AdditiveAttentionCall;
    const before = tf.memory().numTensors;
    expect(() => acceleratedAdditiveAttention(given)).toThrow(
      `acceleratedAdditiveAttention: ${message}`,
    );
    expect(calls).toHaveLength(0);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([wrong, ...Object.values(bad)]);
  });
});
