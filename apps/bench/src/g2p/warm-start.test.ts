import { disposeBatch, makeTrainingBatch, Seq2Seq } from '@gated/seq2seq';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { warmStart } from './warm-start';

const SPECIALS = ['<pad>', '<bos>', '<eos>', '<unk>'];
const base = {
  sourceVocabSize: 7,
  padId: 0,
  bosId: 1,
  eosId: 2,
  cell: 'lstm' as const,
  embeddingSize: 5,
  attention: 'bahdanau' as const,
};

/** Teacher-forced probabilities `[B, T, V]` of `targets` after `sources`. */
function probabilities(model: Seq2Seq, sources: number[][], targets: number[][]): number[][][] {
  const batch = makeTrainingBatch(
    model.config,
    sources.map((source, i) => ({ source, target: targets[i]! })),
  );
  try {
    return tf.tidy(() => tf.softmax(model.teacherForcedLogits(batch)).arraySync() as number[][][]);
  } finally {
    disposeBatch(batch);
  }
}

describe('warmStart (stress-free wide model → stress-marked model)', () => {
  const fromTargets = [...SPECIALS, 'A', 'B'];
  const toTargets = [...SPECIALS, 'B', 'A1', 'A0'];
  const counts = new Map([
    ['A0', 3],
    ['A1', 1],
    ['B', 5],
  ]);

  it("at the same width, P(A0) + P(A1) is the old P(A), split 3 : 1, and B's is unchanged", () => {
    const old = new Seq2Seq({ ...base, targetVocabSize: 6, hiddenSize: 6, seed: 3 });
    const fresh = new Seq2Seq({ ...base, targetVocabSize: 7, hiddenSize: 6, seed: 9 });
    const from = old.stateDict();
    const before = tf.memory().numTensors;
    warmStart(fresh, { from, fromTargets, toTargets, targetCounts: counts });
    expect(tf.memory().numTensors).toBe(before);
    const sources = [
      [4, 5, 6],
      [3, 6],
    ];
    const was = probabilities(old, sources, [
      [4, 5],
      [5, 4],
    ]);
    // The same sequences in the new ids (A → A0 or A1: both embed as A).
    const now = probabilities(fresh, sources, [
      [6, 4],
      [4, 5],
    ]);
    for (const [b, rows] of was.entries())
      for (const [t, row] of rows.entries()) {
        const next = now[b]![t]!;
        expect(next[6]! + next[5]!).toBeCloseTo(row[4]!, 5);
        expect(next[6]! / next[5]!).toBeCloseTo(3, 4);
        expect(next[4]!).toBeCloseTo(row[5]!, 5);
        expect(next[2]!).toBeCloseTo(row[2]!, 5);
      }
    tf.dispose(Object.values(from));
    old.dispose();
    fresh.dispose();
  });

  it('narrowing keeps the first units of each encoder direction and their decoder units', () => {
    const old = new Seq2Seq({ ...base, targetVocabSize: 6, hiddenSize: 10, seed: 3 });
    const fresh = new Seq2Seq({ ...base, targetVocabSize: 7, hiddenSize: 6, seed: 9 });
    const from = old.stateDict();
    warmStart(fresh, { from, fromTargets, toTargets, targetCounts: counts });
    const got = fresh.stateDict();
    const rows = (name: string, dict: Record<string, tf.Tensor>) =>
      dict[name]!.arraySync() as number[][];
    // Encoder hh: 4 gates × 3 kept of 5 units, columns the same 3.
    const oldHh = rows('encoder.rnn.weight_hh_l0_reverse', from);
    const newHh = rows('encoder.rnn.weight_hh_l0_reverse', got);
    expect(newHh.length).toBe(12);
    for (let g = 0; g < 4; g++)
      for (let u = 0; u < 3; u++) expect(newHh[g * 3 + u]).toEqual(oldHh[g * 5 + u]!.slice(0, 3));
    // Decoder hh: units 0, 1, 2 (forward) and 5, 6, 7 (backward) of the old 10.
    const oldDec = rows('decoder.rnn.weight_hh_l0', from);
    const newDec = rows('decoder.rnn.weight_hh_l0', got);
    const kept = [0, 1, 2, 5, 6, 7];
    for (let g = 0; g < 4; g++)
      for (const [i, u] of kept.entries())
        expect(newDec[g * 6 + i]).toEqual(kept.map((c) => oldDec[g * 10 + u]![c]!));
    tf.dispose([...Object.values(from), ...Object.values(got)]);
    old.dispose();
    fresh.dispose();
  });

  it('refuses a wider target than the trained model', () => {
    const old = new Seq2Seq({ ...base, targetVocabSize: 6, hiddenSize: 6, seed: 3 });
    const wide = new Seq2Seq({ ...base, targetVocabSize: 7, hiddenSize: 8, seed: 9 });
    const from = old.stateDict();
    expect(() => warmStart(wide, { from, fromTargets, toTargets, targetCounts: counts })).toThrow(
      'warmStart: expected a new encoder of at most 3 units per direction and hiddenSize = 2 × that, got 4 and 8',
    );
    tf.dispose(Object.values(from));
    old.dispose();
    wide.dispose();
  });
});
