/**
 * Writes the committed fixture of the gated → PyTorch parity that the twin's own tests read
 * (`python/tests/test_gated_trained.py`): tiny models trained by gated, saved as checkpoints,
 * with what gated computes for a batch. From packages/seq2seq:
 *   node_modules/.bin/tsx --tsconfig test/tsconfig.child.json test/make-gated-twin-fixtures.ts
 */
import '@tensorflow/tfjs-backend-wasm';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { saveModel } from '../src/checkpoint';
import { writeCheckpoint } from '../src/node';
import { GATED_TRAINED_CASES, GATED_TRAINED_REQUEST, trainTiny } from './gated-trained';
import { twinDir } from './torch-python';
import { gatedOutputs } from './twin-request';

await tf.setBackend('wasm');
const out = join(twinDir, 'tests', 'fixtures', 'gated-trained');
rmSync(out, { recursive: true, force: true });
for (const [name, overrides] of Object.entries(GATED_TRAINED_CASES)) {
  const model = await trainTiny(overrides);
  writeCheckpoint(join(out, name, 'checkpoint'), saveModel(model, { case: name }));
  const expected = {
    request: GATED_TRAINED_REQUEST,
    ...gatedOutputs(model, GATED_TRAINED_REQUEST),
  };
  mkdirSync(join(out, name), { recursive: true });
  // Floats to 8 significant digits: far inside the tests' 1e-5, half the size.
  const rounded = (_key: string, v: unknown) =>
    typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(8)) : v;
  writeFileSync(join(out, name, 'expected.json'), `${JSON.stringify(expected, rounded)}\n`);
  console.log(
    name,
    expected.greedy.map((h) => h.tokens),
  );
  model.dispose();
}
