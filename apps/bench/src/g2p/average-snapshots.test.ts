import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Seq2Seq, saveModel } from '@gated/seq2seq';
import { writeCheckpoint } from '@gated/seq2seq/node';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { averageCheckpointsInto, lastSnapshots } from './average-snapshots';

const root = mkdtempSync(join(tmpdir(), 'gated-average-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A tiny G2P-shaped model with weights from `seed`. */
function model(seed: number, hiddenSize = 6): Seq2Seq {
  return new Seq2Seq({
    sourceVocabSize: 7,
    targetVocabSize: 6,
    bosId: 1,
    eosId: 2,
    padId: 0,
    cell: 'lstm',
    embeddingSize: 3,
    hiddenSize,
    attention: 'bahdanau',
    seed,
  });
}

/** The same, written as a checkpoint (weights only in `extra`: snapshots carry no vocabularies). */
function checkpoint(name: string, seed: number, hiddenSize = 6): string {
  const m = model(seed, hiddenSize);
  const dir = join(root, name);
  writeCheckpoint(dir, saveModel(m, { task: 'g2p-stress', step: seed }));
  m.dispose();
  return dir;
}

describe('averageCheckpointsInto', () => {
  it('gives every parameter the mean of its values in the checkpoints, and leaks nothing', () => {
    const dirs = [checkpoint('one', 1), checkpoint('two', 2), checkpoint('three', 3)];
    const target = model(9);
    const parts = [model(1), model(2), model(3)];
    const before = tf.memory().numTensors;
    averageCheckpointsInto(target, dirs);
    expect(tf.memory().numTensors).toBe(before);
    const mine = target.stateDict();
    const theirs = parts.map((p) => p.stateDict());
    for (const [name, value] of Object.entries(mine)) {
      const got = value.dataSync();
      const each = theirs.map((dict) => dict[name]!.dataSync());
      for (let i = 0; i < got.length; i++)
        expect(got[i]).toBeCloseTo((each[0]![i]! + each[1]![i]! + each[2]![i]!) / 3, 6);
    }
    // the seeds differ, so the mean is none of them
    const name = 'decoder.attention.query_layer.weight';
    const differences = Array.from(mine[name]!.dataSync()).map(
      (v, i) => v - theirs[0]![name]!.dataSync()[i]!,
    );
    expect(Math.max(...differences.map(Math.abs))).toBeGreaterThan(0.01);
    tf.dispose([...Object.values(mine), ...theirs.flatMap((d) => Object.values(d))]);
    for (const m of [target, ...parts]) m.dispose();
  });

  it('refuses a checkpoint of another shape, naming it, and leaves the model as it was', () => {
    const dirs = [checkpoint('narrow', 1), checkpoint('wide', 2, 8)];
    const target = model(1);
    const was = target.stateDict();
    const before = tf.memory().numTensors;
    expect(() => averageCheckpointsInto(target, dirs)).toThrow(
      /averageCheckpointsInto: \S+ is \[[\d,]+\] in \S*wide, \[[\d,]+\] in the model/,
    );
    expect(() => averageCheckpointsInto(target, [])).toThrow(
      'expected at least one folder, got none',
    );
    expect(tf.memory().numTensors).toBe(before);
    const now = target.stateDict();
    for (const [name, value] of Object.entries(was))
      expect(Array.from(now[name]!.dataSync())).toEqual(Array.from(value.dataSync()));
    tf.dispose([...Object.values(was), ...Object.values(now)]);
    target.dispose();
  });
});

describe('lastSnapshots', () => {
  it('orders step-N folders by step, not as text, and keeps the last ones', () => {
    const dir = join(root, 'snapshots');
    for (const step of [900, 11000, 10500, 9500])
      mkdirSync(join(dir, `step-${step}`), { recursive: true });
    mkdirSync(join(dir, 'other'));
    expect(lastSnapshots(dir, 3).map((d) => d.slice(dir.length + 1))).toEqual([
      'step-9500',
      'step-10500',
      'step-11000',
    ]);
    expect(lastSnapshots(join(root, 'absent'), 3)).toEqual([]);
  });
});
