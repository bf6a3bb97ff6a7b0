import type { Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttentionDecoderStepCall, GreedyAttentionDecodeCall } from './greedy-decode-call';
import {
  acceleratedAttentionDecoderStep,
  acceleratedGreedyAttentionDecode,
  setMatrixProducts,
} from './matrix-product';

afterEach(() => setMatrixProducts(undefined));

/** An accelerator that records the calls it gets and answers with a zero record. */
function recordingAccelerator(calls: GreedyAttentionDecodeCall[]) {
  setMatrixProducts({
    product: () => undefined,
    columnSums: () => undefined,
    greedyAttentionDecode(call) {
      calls.push(call);
      const batch = call.h0.shape[0];
      return { record: tf.zeros([batch, call.maxLength + 1, 4]) as Tensor3D };
    },
  });
}

// B 3, S 4, E 5, H 6, He 7, A 8, V 9
const call = (): GreedyAttentionDecodeCall => ({
  embedding: tf.zeros([9, 5]) as Tensor2D,
  weightIh: tf.zeros([24, 12]) as Tensor2D,
  weightHh: tf.zeros([24, 6]) as Tensor2D,
  biasIh: tf.zeros([24]) as Tensor1D,
  biasHh: tf.zeros([24]) as Tensor1D,
  queryWeight: tf.zeros([8, 6]) as Tensor2D,
  energyWeight: tf.zeros([1, 8]) as Tensor2D,
  projectedKeys: tf.zeros([3, 4, 8]) as Tensor3D,
  values: tf.zeros([3, 4, 7]) as Tensor3D,
  mask: tf.ones([3, 4]) as Tensor2D,
  combineWeight: tf.zeros([6, 13]) as Tensor2D,
  outputWeight: tf.zeros([9, 6]) as Tensor2D,
  outputBias: tf.zeros([9]) as Tensor1D,
  h0: tf.zeros([3, 6]) as Tensor2D,
  c0: tf.zeros([3, 6]) as Tensor2D,
  bosId: 1,
  eosId: 2,
  maxLength: 5,
  withAttention: false,
});

const tensorsOf = (c: GreedyAttentionDecodeCall) =>
  Object.values(c).filter((v): v is tf.Tensor => v instanceof tf.Tensor);

describe('acceleratedGreedyAttentionDecode', () => {
  it('is undefined without an accelerator, and hands a well-shaped call to one', () => {
    const good = call();
    expect(acceleratedGreedyAttentionDecode(good)).toBeUndefined();
    const calls: GreedyAttentionDecodeCall[] = [];
    recordingAccelerator(calls);
    const out = acceleratedGreedyAttentionDecode(good)!;
    expect(calls).toHaveLength(1);
    expect(out.record.shape).toEqual([3, 6, 4]);
    tf.dispose([out.record, ...tensorsOf(good)]);
  });

  it.each([
    ['weightIh', [24, 11], 'weightIh must be [24, 12], got [24, 11]'],
    ['weightHh', [20, 6], 'weightHh must be [24, 6], got [20, 6]'],
    ['combineWeight', [6, 12], 'combineWeight must be [6, 13], got [6, 12]'],
    ['outputBias', [8], 'outputBias must be [9], got [8]'],
    ['c0', [2, 6], 'c0 must be [3, 6], got [2, 6]'],
    ['mask', [3, 5], 'mask must be [3, 4], got [3, 5]'],
  ] as const)('refuses a %s of shape %j before the kernel reads it', (name, shape, message) => {
    const calls: GreedyAttentionDecodeCall[] = [];
    recordingAccelerator(calls);
    const bad = call();
    const wrong = tf.zeros(shape as unknown as number[]);
    const before = tf.memory().numTensors;
    expect(() =>
      acceleratedGreedyAttentionDecode({ ...bad, [name]: wrong } as GreedyAttentionDecodeCall),
    ).toThrow(`acceleratedGreedyAttentionDecode: ${message}`);
    expect(calls).toHaveLength(0);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([wrong, ...tensorsOf(bad)]);
  });

  it.each([
    ['eosId', 9, 'eosId must be an integer in [0, 9), got 9'],
    ['bosId', -1, 'bosId must be an integer in [0, 9), got -1'],
    ['maxLength', 2.5, 'maxLength must be a non-negative integer, got 2.5'],
  ] as const)('refuses %s %d', (name, value, message) => {
    const calls: GreedyAttentionDecodeCall[] = [];
    recordingAccelerator(calls);
    const bad = call();
    expect(() => acceleratedGreedyAttentionDecode({ ...bad, [name]: value })).toThrow(
      `acceleratedGreedyAttentionDecode: ${message}`,
    );
    expect(calls).toHaveLength(0);
    tf.dispose(tensorsOf(bad));
  });
});

describe('acceleratedAttentionDecoderStep', () => {
  const stepCall = () => {
    const { h0, c0, bosId, eosId, maxLength, withAttention, ...decoder } = call();
    return { ...decoder, h: h0, c: c0, previous: tf.tensor1d([1, 4, 8], 'int32') as Tensor1D };
  };

  it('hands a well-shaped step to the accelerator, and refuses previous tokens of another shape or dtype', () => {
    const seen: AttentionDecoderStepCall[] = [];
    setMatrixProducts({
      product: () => undefined,
      columnSums: () => undefined,
      attentionDecoderStep(given) {
        seen.push(given);
        return undefined;
      },
    });
    const good = stepCall();
    expect(acceleratedAttentionDecoderStep(good)).toBeUndefined();
    expect(seen).toHaveLength(1);
    for (const [previous, got] of [
      [tf.tensor1d([1, 4], 'int32'), 'int32 [2]'],
      [tf.tensor1d([1, 4, 8], 'float32'), 'float32 [3]'],
    ] as const) {
      expect(() =>
        acceleratedAttentionDecoderStep({ ...good, previous: previous as Tensor1D }),
      ).toThrow(`acceleratedAttentionDecoderStep: previous must be int32 [3], got ${got}`);
      previous.dispose();
    }
    const narrow = tf.zeros([3, 5]) as Tensor2D;
    expect(() => acceleratedAttentionDecoderStep({ ...good, h: narrow })).toThrow(
      'acceleratedAttentionDecoderStep: c must be [3, 5], got [3, 6]',
    );
    expect(seen).toHaveLength(1);
    tf.dispose([narrow, ...Object.values(good)]);
  });
});
