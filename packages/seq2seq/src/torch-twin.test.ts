/**
 * Parity with the PyTorch twin (`python/`), torch → gated: models built and initialised in
 * PyTorch (`python/scripts/make_fixtures.py`), saved as checkpoints, load here and give the same
 * teacher-forced logits (≤ 1e-5), greedy and beam outputs. Reads committed fixtures: no torch needed.
 * The other direction, gated → torch, is `torch-twin-live.test.ts`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/leaks';
import {
  expectSameOutputs,
  gatedOutputs,
  type TwinOutputs,
  type TwinRequest,
} from '../test/twin-outputs';
import { loadModel } from './checkpoint';
import { readCheckpoint } from './node';

const fixtures = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'test',
  'fixtures',
  'torch-twin',
);
const cases = readdirSync(fixtures).sort();

it('the fixtures cover every cell and attention kind, the bridge, tying and reversal', () => {
  const configs = cases.map((name) =>
    loadModel(readCheckpoint(join(fixtures, name, 'checkpoint'))),
  );
  const seen = (key: string) =>
    new Set(configs.map(({ model }) => String(model.config[key as 'cell'])));
  expect(seen('cell')).toEqual(new Set(['lstm', 'gru', 'rnn']));
  expect(seen('attention')).toEqual(
    new Set(['none', 'bahdanau', 'luong-dot', 'luong-general', 'luong-concat']),
  );
  for (const key of ['bidirectional', 'reverseSource', 'tieEmbeddings'])
    expect(seen(key)).toEqual(new Set(['true', 'false']));
  const bridged = configs.filter(
    ({ model }) => model.config.encoderHiddenSize !== model.config.hiddenSize,
  );
  expect(bridged.length).toBeGreaterThan(0);
  expect(configs.some(({ model }) => model.config.encoderLayers > 1)).toBe(true);
  expect(configs.some(({ model }) => model.config.decoderLayers > model.config.encoderLayers)).toBe(
    true,
  );
  for (const { model } of configs) model.dispose();
});

describe.each(cases)('a PyTorch-built model loads and matches: %s', (name) => {
  it('same teacher-forced logits (≤ 1e-5), greedy and beam outputs', async () => {
    const expected = JSON.parse(
      readFileSync(join(fixtures, name, 'expected.json'), 'utf8'),
    ) as TwinOutputs & { request: TwinRequest };
    const { model } = loadModel(readCheckpoint(join(fixtures, name, 'checkpoint')));
    await expectNoLeaks(() => {
      expectSameOutputs(gatedOutputs(model, expected.request), expected);
    });
    model.dispose();
  });
});
