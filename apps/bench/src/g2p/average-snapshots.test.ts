import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vocab } from '@gated/datasets';
import { Seq2Seq, saveModel } from '@gated/seq2seq';
import { writeCheckpoint } from '@gated/seq2seq/node';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { averageCheckpoints, lastSnapshots } from './average-snapshots';

const root = mkdtempSync(join(tmpdir(), 'gated-average-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const source = Vocab.build([['a', 'b', 'c']]);
const target = Vocab.build([['X', 'Y']]);

/** A tiny G2P-shaped checkpoint with weights from `seed`, written to `root/name`. */
function checkpoint(name: string, seed: number, hiddenSize = 6): string {
  const model = new Seq2Seq({
    sourceVocabSize: source.size,
    targetVocabSize: target.size,
    bosId: 1,
    eosId: 2,
    padId: 0,
    cell: 'lstm',
    embeddingSize: 3,
    hiddenSize,
    attention: 'bahdanau',
    seed,
  });
  const dir = join(root, name);
  writeCheckpoint(
    dir,
    saveModel(model, {
      task: 'g2p',
      sourceTokenizer: 'characters',
      targetTokenizer: 'symbols',
      sourceVocab: source.toJSON(),
      targetVocab: target.toJSON(),
    }),
  );
  model.dispose();
  return dir;
}

describe('averageCheckpoints', () => {
  it('gives every parameter the mean of its values, and leaks nothing', () => {
    const dirs = [checkpoint('one', 1), checkpoint('two', 2), checkpoint('three', 3)];
    const before = tf.memory().numTensors;
    const averaged = averageCheckpoints(dirs);
    const parts = dirs.map((dir) => averageCheckpoints([dir]));
    const mine = averaged.model.stateDict();
    const theirs = parts.map((p) => p.model.stateDict());
    for (const [name, value] of Object.entries(mine)) {
      const got = value.dataSync();
      const each = theirs.map((dict) => dict[name]!.dataSync());
      for (let i = 0; i < got.length; i += 7)
        expect(got[i]).toBeCloseTo((each[0]![i]! + each[1]![i]! + each[2]![i]!) / 3, 6);
    }
    // the seeds differ, so the mean is none of them
    const name = 'decoder.attention.query_layer.weight';
    const differences = Array.from(mine[name]!.dataSync()).map(
      (v, i) => v - theirs[0]![name]!.dataSync()[i]!,
    );
    expect(Math.max(...differences.map(Math.abs))).toBeGreaterThan(0.01);
    tf.dispose([...Object.values(mine), ...theirs.flatMap((d) => Object.values(d))]);
    averaged.dispose();
    for (const p of parts) p.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses checkpoints of another shape, naming the parameter, and leaks nothing', () => {
    const dirs = [checkpoint('narrow', 1), checkpoint('wide', 2, 8)];
    const before = tf.memory().numTensors;
    expect(() => averageCheckpoints(dirs)).toThrow(
      /averageCheckpoints: \S+ is \[[\d,]+\] in \S*wide, \[[\d,]+\] in \S*narrow/,
    );
    expect(() => averageCheckpoints([])).toThrow('expected at least one folder, got none');
    expect(tf.memory().numTensors).toBe(before);
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
