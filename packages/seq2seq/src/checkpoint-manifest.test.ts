import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { editManifest } from '../test/edit-manifest';
import { expectNoLeaks } from '../test/leaks';
import { tinyConfig } from '../test/tiny-task';
import { loadModel, loadTraining, saveModel, saveTraining } from './checkpoint';
import { manifestChecksum } from './checkpoint-manifest';
import { crc32 } from './crc32';
import { upgradeCheckpoint } from './node';
import { Seq2Seq } from './seq2seq';
import { Trainer } from './trainer';

const model = new Seq2Seq(tinyConfig({ cell: 'gru' }));
const extra = { sourceVocab: ['<pad>', '<bos>', '<eos>', 'a', 'b'] };
const files = saveModel(model, extra);
afterAll(() => model.dispose());
const text = (s: string) => new TextEncoder().encode(s);
const json = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

function expectSameWeights(loaded: Seq2Seq, original: Seq2Seq): void {
  const [a, b] = [loaded.stateDict(), original.stateDict()];
  expect(Object.keys(a)).toEqual(Object.keys(b));
  for (const name of Object.keys(a)) expect(a[name]!.dataSync(), name).toEqual(b[name]!.dataSync());
  tf.dispose([...Object.values(a), ...Object.values(b)]);
}

describe('config.json is under a checksum', () => {
  it('an edited config, extra or file list is refused, though every other file is intact', () => {
    const damage: Array<[string, (m: Record<string, unknown>) => void]> = [
      ['seed', (m) => Object.assign(m.config as object, { seed: 43 })],
      ['padId', (m) => Object.assign(m.config as object, { padId: 2, eosId: 0 })],
      ['vocabulary', (m) => ((m.extra as typeof extra).sourceVocab[3] = 'z')],
      ['file list', (m) => delete m.files],
    ];
    for (const [what, edit] of damage) {
      expect(() => loadModel(editManifest(files, edit, { reseal: false })), what).toThrow(
        /config.json does not match its checksum \(it says crc32:[0-9a-f]{8}, its content gives crc32:[0-9a-f]{8}\): the config, extra or file list changed after saving/,
      );
    }
  });

  it('deleting the file list no longer turns off the check of the weights', () => {
    const weights = files['weights.safetensors']!.slice();
    weights[weights.length - 5]! ^= 0x10; // one float of the output bias
    const unlisted = editManifest({ ...files, 'weights.safetensors': weights }, (m) => {
      delete m.files;
    });
    expect(() => loadModel(unlisted)).toThrow(
      'config.json must list the checkpoint\'s files ("files": { name: { bytes, crc32 } }), got undefined',
    );
    const withoutWeights = editManifest(files, (m) => {
      m.files = {};
    });
    expect(() => loadModel(withoutWeights)).toThrow(
      'config.json does not list weights.safetensors',
    );
  });

  it('a missing or malformed checksum is refused', () => {
    for (const checksum of [undefined, 'crc32:xyz', 12345]) {
      const edited = editManifest(
        files,
        (m) => {
          if (checksum === undefined) delete m.checksum;
          else m.checksum = checksum;
        },
        { reseal: false },
      );
      expect(() => loadModel(edited)).toThrow(
        `config.json has no valid checksum (expected "checksum": "crc32:<8 hex digits>", got ${JSON.stringify(checksum)}); it was damaged or edited`,
      );
    }
  });

  it('is the CRC-32 of the canonical JSON (sorted keys, no spaces), so reformatting keeps it', () => {
    const body = { b: [1, { d: true, c: null }], a: 'x' };
    const canonical = '{"a":"x","b":[1,{"c":null,"d":true}]}';
    expect(manifestChecksum(body)).toBe(
      `crc32:${crc32(text(canonical)).toString(16).padStart(8, '0')}`,
    );
    const manifest = json(files['config.json']!);
    const reordered = Object.fromEntries(Object.entries(manifest).reverse());
    const reformatted = { ...files, 'config.json': text(JSON.stringify(reordered)) };
    const loaded = loadModel(reformatted);
    expect(loaded.extra).toEqual(extra);
    expectSameWeights(loaded.model, model);
    loaded.model.dispose();
  });

  it('a training checkpoint reads only files it lists', async () => {
    const trainer = new Trainer(new Seq2Seq(tinyConfig()), { batchSize: 4 });
    const saved = saveTraining(trainer);
    const unlisted = editManifest(saved, (m) => {
      delete (m.files as Record<string, unknown>)['training.json'];
    });
    await expectNoLeaks(() => {
      expect(() => loadTraining(unlisted)).toThrow(
        'not a training checkpoint (config.json lists no training.json or optimizer.safetensors); use loadModel',
      );
    });
    trainer.model.dispose();
  });
});

describe('checkpoints of format version 1', () => {
  const version1 = editManifest(
    files,
    (m) => {
      m.formatVersion = 1;
      delete m.checksum;
    },
    { reseal: false },
  );

  it('are refused with the way to convert them', () => {
    expect(() => loadModel(version1)).toThrow(
      "config.json is format version 1, which has no checksum over the config and the file list; if you trust this checkpoint, convert it once: writeCheckpoint(dir, upgradeCheckpoint(readCheckpoint(dir))), with upgradeCheckpoint from '@gated/seq2seq/node'",
    );
  });

  it('convert to the current format with the same config, extra and weights', () => {
    const upgraded = upgradeCheckpoint({ ...version1, 'notes.txt': text('not listed') });
    expect(Object.keys(upgraded).sort()).toEqual(['config.json', 'weights.safetensors']);
    expect(upgraded['weights.safetensors']).toBe(files['weights.safetensors']);
    expect(json(upgraded['config.json']!)).toEqual(json(files['config.json']!));
    const loaded = loadModel(upgraded);
    expectSameWeights(loaded.model, model);
    loaded.model.dispose();
  });

  it('convert only when their files still match, and only from version 1', () => {
    const damaged = { ...version1, 'weights.safetensors': files['weights.safetensors']!.slice(1) };
    expect(() => upgradeCheckpoint(damaged)).toThrow(/weights.safetensors has \d+ bytes/);
    const unlisted = editManifest(version1, (m) => delete m.files, { reseal: false });
    expect(() => upgradeCheckpoint(unlisted)).toThrow(
      "config.json must list the checkpoint's files",
    );
    expect(() => upgradeCheckpoint(files)).toThrow(
      'upgradeCheckpoint: expected a format version 1 checkpoint, got version 2',
    );
  });
});
