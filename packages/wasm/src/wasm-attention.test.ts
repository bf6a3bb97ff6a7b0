import type { AdditiveAttentionCall } from '@gated/cells';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/fixtures';
import { maxDiff, onWasm, run } from '../test/kernel-runs';
import { installWasmKernels, uninstallWasmKernels } from './install';
import { additiveAttention } from './wasm-attention';
import { gatherRows } from './wasm-gather';

afterEach(() => uninstallWasmKernels());

/** The op-by-op forward @gated/attention runs: q = W s, e = vᵀ tanh(k + q), masked softmax, Σ α h. */
function reference(call: AdditiveAttentionCall): { weights: Tensor2D; context: Tensor2D } {
  return tf.tidy(() => {
    const [batch, steps] = call.projectedKeys.shape;
    const q = tf.matMul(call.query, call.queryWeight, false, true); // [B, A]
    const hidden = tf.tanh(tf.add(call.projectedKeys, tf.expandDims(q, 1))); // [B, S, A]
    const scores = tf.reshape(
      tf.matMul(tf.reshape(hidden, [batch * steps, -1]), call.energyWeight, false, true),
      [batch, steps],
    );
    const mask = call.mask ?? tf.onesLike(scores);
    const weights = tf.mul(tf.softmax(tf.add(scores, tf.mul(tf.sub(1, mask), -1e9))), mask);
    const context = tf.squeeze(tf.matMul(tf.expandDims(weights, 1), call.values), [1]);
    return { weights, context } as unknown as tf.TensorContainer;
  }) as unknown as { weights: Tensor2D; context: Tensor2D };
}

/** A call of odd sizes, seeded; rows of `lengths` keep that many positions. */
function makeCall(batch: number, lengths: number[] | undefined): AdditiveAttentionCall {
  const [S, A, Hq, H] = [7, 13, 11, 9];
  const call: AdditiveAttentionCall = {
    query: tf.randomNormal([batch, Hq], 0, 1, 'float32', 1) as Tensor2D,
    queryWeight: tf.randomNormal([A, Hq], 0, 0.5, 'float32', 2) as Tensor2D,
    projectedKeys: tf.randomNormal([batch, S, A], 0, 1, 'float32', 3) as Tensor3D,
    energyWeight: tf.randomNormal([1, A], 0, 1, 'float32', 4) as Tensor2D,
    values: tf.randomNormal([batch, S, H], 0, 1, 'float32', 5) as Tensor3D,
  };
  if (lengths) {
    const keep = new Float32Array(batch * S);
    lengths.forEach((n, b) => {
      keep.fill(1, b * S, b * S + n);
    });
    call.mask = tf.tensor2d(keep, [batch, S]);
  }
  return call;
}

const disposeCall = (call: AdditiveAttentionCall) => tf.dispose(Object.values(call));

describe.runIf(onWasm)('additive attention on the wasm kernel', () => {
  for (const [batch, lengths] of [
    [5, [7, 3, 1, 6, 2]], // packed query layer (≥ 4 rows), padding in every row but one
    [3, [2, 7, 5]], // the row-by-row query layer of decoding (< 4 rows)
    [5, undefined], // no mask
  ] as const) {
    it(`matches the op-by-op forward: batch ${batch}, ${lengths ? 'masked' : 'no mask'}`, async () => {
      const call = makeCall(batch, lengths as number[] | undefined);
      await expectNoLeaks(async () => {
        const fast = await run(true, () => additiveAttention(call)!);
        expect(fast.names).toEqual(['GatedAdditiveAttention']);
        const expected = reference(call);
        expect(maxDiff(fast.value.weights, expected.weights)).toBeLessThan(2e-6);
        expect(maxDiff(fast.value.context, expected.context)).toBeLessThan(2e-6);
        if (lengths) {
          // masked positions get exactly 0, the others sum to 1
          const weights = fast.value.weights.arraySync();
          lengths.forEach((n, b) => {
            expect(weights[b]!.slice(n).every((w) => w === 0)).toBe(true);
            expect(weights[b]!.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 6);
          });
        }
        tf.dispose([fast.value.weights, fast.value.context, expected.weights, expected.context]);
      });
      disposeCall(call);
    });
  }

  it('gives a row that keeps no position zeros, and drops positions whose mask is not 1, as the op-by-op forward does', async () => {
    const call = makeCall(3, [7, 3, 5]);
    call.mask!.dispose();
    call.mask = tf.tensor2d(
      [
        [0, 0, 0, 0, 0, 0, 0], // keeps nothing
        [1, 0.5, 1, 0.25, 0, 1, 0], // 0.5 and 0.25: dropped beside the 1s
        [1, 1, 1, 1, 1, 0, 0],
      ],
      [3, 7],
    );
    await expectNoLeaks(async () => {
      const fast = await run(true, () => additiveAttention(call)!);
      const expected = reference(call);
      expect(maxDiff(fast.value.weights, expected.weights)).toBeLessThan(2e-6);
      expect(maxDiff(fast.value.context, expected.context)).toBeLessThan(2e-6);
      const weights = fast.value.weights.arraySync();
      expect(weights[0]).toEqual([0, 0, 0, 0, 0, 0, 0]);
      expect(fast.value.context.arraySync()[0]!.every((c) => c === 0)).toBe(true);
      expect([weights[1]![1], weights[1]![3]]).toEqual([0, 0]);
      tf.dispose([fast.value.weights, fast.value.context, expected.weights, expected.context]);
    });
    disposeCall(call);
  });

  it('declines while gradients are recorded (it has no backward) and on other dtypes', async () => {
    const call = makeCall(5, [7, 3, 1, 6, 2]);
    await installWasmKernels();
    await expectNoLeaks(async () => {
      const outside = additiveAttention(call); // runs outside a gradient: the control
      expect(outside?.weights.shape).toEqual([5, 7]);
      tf.dispose([outside!.weights, outside!.context]);
      let inside: unknown = 'not called';
      tf.grad((q: tf.Tensor) => {
        inside = additiveAttention({ ...call, query: q as Tensor2D });
        return tf.sum(q);
      })(call.query).dispose();
      expect(inside).toBeUndefined();
      const ints = tf.cast(call.values, 'int32') as Tensor3D;
      expect(additiveAttention({ ...call, values: ints })).toBeUndefined();
      ints.dispose();
    });
    disposeCall(call);
  });
});

describe.runIf(onWasm)('row gathers on the wasm kernel', () => {
  it('copies the rows tf.gather does, and refuses an index outside the table', async () => {
    const table = tf.randomNormal([6, 5], 0, 1, 'float32', 7) as Tensor2D;
    const indices = tf.tensor1d([5, 0, 3, 3, 1, 4, 2], 'int32');
    await expectNoLeaks(async () => {
      const ours = await run(true, () => gatherRows(table, indices)!);
      expect(ours.names).toEqual(['GatedGatherRows']);
      const expected = tf.gather(table, indices);
      expect(maxDiff(ours.value, expected)).toBe(0);
      for (const [bad, value] of [
        [[2, 6, 1], 6],
        [[2, -1], -1],
      ] as const) {
        const outside = tf.tensor1d(bad as readonly number[] as number[], 'int32');
        const before = tf.memory().numBytes;
        expect(() => gatherRows(table, outside)).toThrow(
          `GatherRows: the index value ${value} is not in [0, 5]`,
        );
        expect(tf.memory().numBytes).toBe(before); // the output was freed
        outside.dispose();
      }
      tf.dispose([ours.value, expected]);
    });
    tf.dispose([table, indices]);
  });
});
