import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { editManifest } from '../test/edit-manifest';
import { tinyConfig, tinyExamples } from '../test/tiny-task';
import {
  type CheckpointFiles,
  loadModel,
  loadTraining,
  saveModel,
  saveTraining,
} from './checkpoint';
import { configDifferences } from './config';
import { Seq2Seq } from './seq2seq';
import { Trainer } from './trainer';

/**
 * Random damage to a valid checkpoint either loads the identical model or is refused with one
 * of our own errors — never a different model, another kind of exception, or a leaked tensor.
 * "Resealed" edits recompute config.json's checksum, as a tool editing it on purpose would.
 */

type Corruption =
  | { kind: 'flip'; file: string; flips: Array<{ at: number; mask: number }> }
  | { kind: 'truncate'; file: string; keep: number }
  | { kind: 'append'; file: string; bytes: Uint8Array }
  | { kind: 'delete file'; file: string }
  | { kind: 'add file'; name: string; bytes: Uint8Array }
  | { kind: 'delete key'; path: number; reseal: boolean }
  | { kind: 'add key'; object: number; key: string; value: unknown; reseal: boolean };

function corruptions(names: string[]): fc.Arbitrary<Corruption[]> {
  const file = fc.constantFrom(...names);
  const one: fc.Arbitrary<Corruption> = fc.oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      file,
      flips: fc.array(fc.record({ at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }), {
        minLength: 1,
        maxLength: 8,
      }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), file, keep: fc.nat() }),
    fc.record({
      kind: fc.constant('append' as const),
      file,
      bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    }),
    fc.record({ kind: fc.constant('delete file' as const), file }),
    fc.record({
      kind: fc.constant('add file' as const),
      name: fc.oneof(fc.constantFrom(...names), fc.string({ minLength: 1, maxLength: 12 })),
      bytes: fc.uint8Array({ maxLength: 64 }),
    }),
    fc.record({ kind: fc.constant('delete key' as const), path: fc.nat(), reseal: fc.boolean() }),
    fc.record({
      kind: fc.constant('add key' as const),
      object: fc.nat(),
      key: fc.oneof(
        fc.constantFrom('seed', 'files', 'bytes', 'extra'),
        fc.string({ maxLength: 8 }),
      ),
      value: fc.jsonValue({ maxDepth: 2 }),
      reseal: fc.boolean(),
    }),
  );
  return fc.array(one, { minLength: 1, maxLength: 3 });
}

type Json = Record<string, unknown> | unknown[];

/** Every object and array in `value`, with the keys (or indices) each holds. */
function containers(value: unknown, found: Json[] = []): Json[] {
  if (value !== null && typeof value === 'object') {
    found.push(value as Json);
    for (const child of Object.values(value)) containers(child, found);
  }
  return found;
}

function applyJson(files: CheckpointFiles, c: Corruption & { reseal: boolean }): CheckpointFiles {
  try {
    JSON.parse(new TextDecoder().decode(files['config.json']));
  } catch {
    return files; // already damaged past JSON: nothing to edit
  }
  return editManifest(
    files,
    (manifest) => {
      const all = containers(manifest);
      if (c.kind === 'delete key') {
        const keyed = all.flatMap((o) => Object.keys(o).map((key) => [o, key] as const));
        const [object, key] = keyed[c.path % keyed.length]!;
        if (Array.isArray(object)) object.splice(Number(key), 1);
        else delete object[key];
      } else if (c.kind === 'add key') {
        const object = all[c.object % all.length]!;
        if (Array.isArray(object)) object.push(c.value);
        else Object.defineProperty(object, c.key, { value: c.value, enumerable: true });
      }
    },
    { reseal: c.reseal },
  );
}

function corrupt(original: CheckpointFiles, list: Corruption[]): CheckpointFiles {
  let files = { ...original };
  for (const c of list) {
    if (c.kind === 'delete key' || c.kind === 'add key') {
      files = applyJson(files, c);
      continue;
    }
    if (c.kind === 'add file') {
      files[c.name] = c.bytes;
      continue;
    }
    const bytes = files[c.file];
    if (!bytes) continue;
    if (c.kind === 'delete file') delete files[c.file];
    else if (c.kind === 'truncate') files[c.file] = bytes.slice(0, c.keep % bytes.length);
    else if (c.kind === 'append') files[c.file] = new Uint8Array([...bytes, ...c.bytes]);
    else if (bytes.length > 0) {
      const flipped = bytes.slice();
      for (const { at, mask } of c.flips) flipped[at % flipped.length]! ^= mask;
      files[c.file] = flipped;
    }
  }
  return files;
}

const values = (dict: Record<string, tf.Tensor>) =>
  Object.fromEntries(Object.entries(dict).map(([name, t]) => [name, Array.from(t.dataSync())]));

/** Parameter values of a model (or Adam moments), disposed after reading. */
function read(dict: Record<string, tf.Tensor>): Record<string, number[]> {
  const out = values(dict);
  tf.dispose(Object.values(dict));
  return out;
}

/** Our own refusal: a plain Error whose message says which part of the checkpoint is wrong. */
function expectOurRefusal(error: unknown, list: Corruption[]): void {
  const what = JSON.stringify(list, (_k, v) => (v instanceof Uint8Array ? `${v.length} bytes` : v));
  expect(error, what).toBeInstanceOf(Error);
  expect((error as Error).constructor, `${what}: ${(error as Error).stack}`).toBe(Error);
  expect((error as Error).message, what).toMatch(/^(checkpoint|safetensors|Seq2Seq config): /);
}

const model = new Seq2Seq(
  tinyConfig({ cell: 'gru', tieEmbeddings: true, reverseSource: true, dropout: 0.1 }),
);
const extra = { sourceVocab: ['<pad>', '<bos>', '<eos>', 'a', 'b', 'c'], note: 'vocabularies' };
const modelFiles = saveModel(model, extra);
const expectedModel = read(model.stateDict());
afterAll(() => model.dispose());

const RUNS = 500;
const tally = { identical: 0, refused: 0 };

describe('random damage to a checkpoint', () => {
  it(`${RUNS} damaged model checkpoints: each loads the identical model or is refused by our checks`, () => {
    fc.assert(
      fc.property(corruptions(Object.keys(modelFiles)), (list) => {
        const before = tf.memory().numTensors;
        let loaded: ReturnType<typeof loadModel> | undefined;
        try {
          loaded = loadModel(corrupt(modelFiles, list));
        } catch (error) {
          expectOurRefusal(error, list);
          tally.refused++;
        }
        try {
          if (loaded) {
            expect(configDifferences(loaded.model.config, model.config)).toEqual([]);
            expect(read(loaded.model.stateDict())).toEqual(expectedModel);
            if (list.every((c) => !('reseal' in c) || !c.reseal))
              expect(loaded.extra).toEqual(extra);
            tally.identical++;
          }
        } finally {
          loaded?.model.dispose();
        }
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: RUNS, seed: 20_240_601 },
    );
    expect(tally.identical + tally.refused).toBe(RUNS);
    expect(tally.identical).toBeGreaterThan(10); // unlisted files, whitespace, ignored keys
    expect(tally.refused).toBeGreaterThan(RUNS / 2);
  });

  it(`${RUNS / 2} damaged training checkpoints: each resumes identically or is refused`, async () => {
    const trainer = new Trainer(new Seq2Seq(tinyConfig({ attention: 'luong-general' })), {
      batchSize: 4,
    });
    await trainer.fit({ train: tinyExamples(8, 1), maxSteps: 2 });
    const files = saveTraining(trainer, { run: 'property' });
    const expected = {
      model: read(trainer.model.stateDict()),
      moments: read(trainer.optimizer.stateDict()),
    };
    let identical = 0;
    fc.assert(
      fc.property(corruptions(Object.keys(files)), (list) => {
        const before = tf.memory().numTensors;
        let resumed: Trainer | undefined;
        try {
          resumed = loadTraining(corrupt(files, list)).trainer;
        } catch (error) {
          expectOurRefusal(error, list);
        }
        try {
          if (resumed) {
            expect(read(resumed.model.stateDict())).toEqual(expected.model);
            expect(read(resumed.optimizer.stateDict())).toEqual(expected.moments);
            expect(resumed.state).toEqual(trainer.state);
            expect(resumed.optimizer.step).toBe(trainer.optimizer.step);
            identical++;
          }
        } finally {
          resumed?.model.dispose();
          resumed?.dispose();
        }
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: RUNS / 2, seed: 20_240_602 },
    );
    expect(identical).toBeGreaterThan(5);
    if (process.env.CHECKPOINT_TALLY)
      console.log({ model: tally, training: { identical, refused: RUNS / 2 - identical } });
    trainer.model.dispose();
    trainer.dispose();
  });
});
