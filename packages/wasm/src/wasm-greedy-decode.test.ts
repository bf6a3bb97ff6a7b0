import type { AttentionLSTMDecoder, GreedyAttentionDecodeCall } from '@gated/cells';
import type { Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/fixtures';
import { maxDiff, onWasm, run } from '../test/kernel-runs';
import { uninstallWasmKernels } from './install';
import { attentionDecoderStep } from './wasm-decoder-step';
import { greedyAttentionDecode } from './wasm-greedy-decode';
import { parallelRunCount, stopPoolWorkerForTests } from './wasm-threads';

afterEach(() => uninstallWasmKernels());

// Odd sizes: E embedding, H hidden, He encoder, A attention, V vocabulary, S source positions.
const [E, H, He, A, V, S] = [5, 11, 9, 13, 17, 7];
const [BOS, EOS] = [1, 2];

/** A decoder's weights and an encoded batch of `batch` rows, seeded; row b keeps lengths[b]. */
function makeCall(batch: number, maxLength: number): GreedyAttentionDecodeCall {
  let seed = 10;
  const normal = (shape: number[], scale: number) =>
    tf.randomNormal(shape, 0, scale, 'float32', seed++);
  const keep = new Float32Array(batch * S);
  for (let b = 0; b < batch; b++) keep.fill(1, b * S, b * S + 1 + ((b * 3) % S));
  // EOS a little likelier than the other tokens, so that rows stop at different steps.
  const outputBias = normal([V], 0.5).bufferSync();
  outputBias.set(outputBias.get(EOS) + 4.5, EOS);
  return {
    embedding: normal([V, E], 1) as Tensor2D,
    weightIh: normal([4 * H, E + He], 0.4) as Tensor2D,
    weightHh: normal([4 * H, H], 0.4) as Tensor2D,
    biasIh: normal([4 * H], 0.2) as Tensor1D,
    biasHh: normal([4 * H], 0.2) as Tensor1D,
    queryWeight: normal([A, H], 0.5) as Tensor2D,
    energyWeight: normal([1, A], 1) as Tensor2D,
    projectedKeys: normal([batch, S, A], 1) as Tensor3D,
    values: normal([batch, S, He], 1) as Tensor3D,
    mask: tf.tensor2d(keep, [batch, S]),
    combineWeight: normal([H, H + He], 0.5) as Tensor2D,
    outputWeight: normal([V, H], 1) as Tensor2D,
    outputBias: outputBias.toTensor() as Tensor1D,
    h0: normal([batch, H], 0.5) as Tensor2D,
    c0: normal([batch, H], 0.5) as Tensor2D,
    bosId: BOS,
    eosId: EOS,
    maxLength,
    withAttention: true,
  };
}

/** One step of the decoder's equations op by op: logits, α, s_t, c_t. */
function referenceStep(
  call: AttentionLSTMDecoder,
  previous: Int32Array,
  h: Tensor2D,
  c: Tensor2D,
): Tensor2D[] {
  return tf.tidy(() => {
    const batch = h.shape[0];
    const q = tf.matMul(h, call.queryWeight, false, true); // [B, A]
    const hidden = tf.tanh(tf.add(call.projectedKeys, tf.expandDims(q, 1)));
    const scores = tf.reshape(
      tf.matMul(tf.reshape(hidden, [batch * S, A]), call.energyWeight, false, true),
      [batch, S],
    );
    const masked = tf.add(scores, tf.mul(tf.sub(1, call.mask), -1e9));
    const alpha = tf.mul(tf.softmax(masked), call.mask) as Tensor2D;
    const context = tf.squeeze(tf.matMul(tf.expandDims(alpha, 1), call.values), [1]);
    const x = tf.concat([tf.gather(call.embedding, tf.tensor1d(previous, 'int32')), context], 1);
    const z = tf.add(
      tf.add(tf.matMul(x, call.weightIh, false, true), call.biasIh),
      tf.add(tf.matMul(h, call.weightHh, false, true), call.biasHh),
    );
    const [i, f, g, o] = tf.split(z, 4, 1) as Tensor2D[];
    const cell = tf.add(tf.mul(tf.sigmoid(f!), c), tf.mul(tf.sigmoid(i!), tf.tanh(g!)));
    const state = tf.mul(tf.sigmoid(o!), tf.tanh(cell));
    const attentional = tf.tanh(
      tf.matMul(tf.concat([state, context], 1), call.combineWeight, false, true),
    );
    const out = tf.add(tf.matMul(attentional, call.outputWeight, false, true), call.outputBias);
    return [out, alpha, state, cell] as Tensor2D[];
  });
}

/** One row's steps up to its EOS: token, its logit, the largest logit, Σ exp; and the weights α. */
interface RowSteps {
  steps: number[][];
  attention: number[][];
}

/**
 * The decoder's equations op by op on the whole batch (rows that finished keep being computed
 * and are ignored), as AttentionDecoder.step with Bahdanau attention runs them.
 */
function reference(call: GreedyAttentionDecodeCall): RowSteps[] {
  const batch = call.h0.shape[0];
  const rows: RowSteps[] = Array.from({ length: batch }, () => ({ steps: [], attention: [] }));
  const done = new Array<boolean>(batch).fill(false);
  let h = tf.clone(call.h0);
  let c = tf.clone(call.c0);
  let previous = new Int32Array(batch).fill(BOS);
  for (let t = 0; t <= call.maxLength && !done.every(Boolean); t++) {
    const [logits, weights, hNext, cNext] = referenceStep(call, previous, h, c);
    const l = logits!.arraySync();
    const w = weights!.arraySync();
    tf.dispose([h, c, logits!, weights!]);
    [h, c] = [hNext!, cNext!];
    const chosen = new Int32Array(batch);
    for (let b = 0; b < batch; b++) {
      if (done[b]) continue;
      const row = l[b]!;
      const largest = Math.max(...row);
      const best = row.indexOf(largest);
      const token = t === call.maxLength ? EOS : best;
      const total = row.reduce((sum, v) => sum + Math.exp(v - largest), 0);
      rows[b]!.steps.push([token, row[token]!, largest, total]);
      rows[b]!.attention.push(w[b]!);
      chosen[b] = token;
      if (token === EOS) done[b] = true;
    }
    previous = chosen;
  }
  tf.dispose([h, c]);
  return rows;
}

/** The kernel's record and attention, cut at each row's EOS. */
function fastRows(call: GreedyAttentionDecodeCall, threads: number) {
  return run(
    true,
    () => {
      const { record, attention } = greedyAttentionDecode(call)!;
      const r = record.arraySync();
      const a = attention!.arraySync();
      tf.dispose([record, attention!]);
      return r.map((steps, b) => {
        const end = steps.findIndex((s) => s[0] === EOS);
        return { steps: steps.slice(0, end + 1), attention: a[b]!.slice(0, end + 1) };
      });
    },
    threads,
  );
}

const expectClose = (actual: number[][], expected: number[][], tolerance: number) => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => {
    row.forEach((v, j) => {
      expect(Math.abs(v - expected[i]![j]!)).toBeLessThan(tolerance);
    });
  });
};

describe.runIf(onWasm)('greedy decoding in one call', () => {
  for (const [batch, threads] of [
    [3, 1], // fewer than four rows: the single-row products
    [13, 1], // blocks of four rows and a remainder
    [13, 2], // the pool: rows dealt out between two threads
  ] as const) {
    it(`follows the decoder's equations step by step: ${batch} rows, ${threads} thread(s)`, async () => {
      const call = makeCall(batch, 6);
      await expectNoLeaks(async () => {
        const jobs = parallelRunCount();
        const fast = await fastRows(call, threads);
        expect(fast.names).toEqual(['GatedGreedyAttentionDecode']);
        expect(parallelRunCount() - jobs).toBe(threads > 1 ? 1 : 0);
        const expected = reference(call);
        const lengths = expected.map((row) => row.steps.length);
        // The rows stop at different steps, some only at maxLength: compaction is exercised.
        expect(new Set(lengths).size).toBeGreaterThan(batch > 3 ? 2 : 1);
        fast.value.forEach((row, b) => {
          expect(row.steps.map((s) => s[0])).toEqual(expected[b]!.steps.map((s) => s[0]));
          expectClose(row.steps, expected[b]!.steps, 2e-5);
          expectClose(row.attention, expected[b]!.attention, 2e-6);
        });
      });
      tf.dispose(Object.values(call).filter((v) => v instanceof tf.Tensor));
    });
  }

  it('gives the same bits on two threads as on one, and on one again when the worker is lost', async () => {
    const call = makeCall(21, 8);
    const one = (await fastRows(call, 1)).value;
    const two = (await fastRows(call, 2)).value;
    expect(two).toEqual(one);
    stopPoolWorkerForTests();
    const jobs = parallelRunCount();
    const lost = (await fastRows(call, 2)).value;
    expect(parallelRunCount()).toBe(jobs);
    expect(lost).toEqual(one);
    tf.dispose(Object.values(call).filter((v) => v instanceof tf.Tensor));
  });
});

describe.runIf(onWasm)('one decoder step in one call', () => {
  for (const batch of [3, 13]) {
    it(`follows the decoder's equations: ${batch} rows`, async () => {
      const { h0, c0, bosId, eosId, maxLength, withAttention, ...call } = makeCall(batch, 1);
      const previous = Int32Array.from({ length: batch }, (_, b) => (b * 5) % V);
      const h = tf.randomNormal([batch, H], 0, 0.5, 'float32', 40) as Tensor2D;
      const c = tf.randomNormal([batch, H], 0, 0.5, 'float32', 41) as Tensor2D;
      const tokens = tf.tensor1d(previous, 'int32');
      await expectNoLeaks(async () => {
        const fast = await run(
          true,
          () => attentionDecoderStep({ ...call, previous: tokens, h, c })!,
        );
        expect(fast.names).toEqual(['GatedAttentionDecoderStep']);
        const expected = referenceStep(call, previous, h, c);
        const got = [fast.value.logits, fast.value.attention, fast.value.h, fast.value.c];
        got.forEach((t, k) => {
          expect(t.shape).toEqual(expected[k]!.shape);
          expect(maxDiff(t, expected[k]!)).toBeLessThan(k === 1 ? 2e-6 : 2e-5);
        });
        tf.dispose([...got, ...expected]);
      });
      tf.dispose([h, c, h0, c0, tokens, ...Object.values(call)]);
    });
  }
});

describe.runIf(onWasm)('a decoder step given a token outside the vocabulary', () => {
  it('names the token and leaves nothing behind', async () => {
    const { h0, c0, bosId, eosId, maxLength, withAttention, ...call } = makeCall(3, 1);
    const tokens = tf.tensor1d([1, V, 2], 'int32');
    await run(true, () => undefined);
    await expectNoLeaks(() => {
      expect(() => attentionDecoderStep({ ...call, previous: tokens, h: h0, c: c0 })).toThrow(
        `AttentionDecoderStep: the previous token ${V} is not in [0, ${V - 1}]`,
      );
    });
    tf.dispose([h0, c0, tokens, ...Object.values(call)]);
  });
});
