/**
 * Makes the model this package ships: a G2P checkpoint (from the bench) → `model/` as F16.
 *
 *   node --import tsx packages/g2p/scripts/convert-model.ts <checkpoint-dir> [out-dir]
 *
 * The checkpoint is loaded and checked as `createG2P` would load it (characters → ARPAbet),
 * written with half-precision weights, and read back; the script prints the size against the
 * 2 MiB budget and exits 1 when the F16 model decodes differently from the original on a sample.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readManifest, saveModel } from '@gated/seq2seq';
import { readCheckpoint, writeCheckpoint } from '@gated/seq2seq/node';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { PronunciationModel } from '../src/pronunciation-model';

const BUDGET = 2 * 1024 * 1024;
const SAMPLE = ['zebra', 'gated', 'tensorflow', 'pronunciation', "o'brien", 'quixotic', 'xylo'];

const [from, to = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'model')] =
  process.argv.slice(2);
if (!from) {
  console.error('usage: convert-model.ts <checkpoint-dir> [out-dir]');
  process.exit(2);
}
await tf.setBackend('cpu');
const checkpoint = readCheckpoint(resolve(from));
const original = PronunciationModel.fromFiles(checkpoint);
const files = saveModel(original.model, readManifest(checkpoint).extra, { floatDtype: 'F16' });
const half = PronunciationModel.fromFiles(files);
const options = { beamSize: 5, nBest: 1, batchSize: 16 };
const before = original.decode(SAMPLE, options).map((a) => a[0]!.phonemes.join(' '));
const after = half.decode(SAMPLE, options).map((a) => a[0]!.phonemes.join(' '));
mkdirSync(to, { recursive: true });
writeCheckpoint(resolve(to), files);
// The marker only serves recovery from a crash mid-save; a package folder does not need it.
rmSync(join(to, '.checkpoint-generation'), { force: true });
const bytes = files['weights.safetensors']!.length;
console.log(
  `${original.parameters.toLocaleString('en')} parameters, stress: ${original.stress}, weights ${bytes.toLocaleString('en')} bytes (budget ${BUDGET.toLocaleString('en')}: ${bytes <= BUDGET ? 'within' : 'OVER'}) → ${to}`,
);
let differ = 0;
SAMPLE.forEach((word, i) => {
  const same = before[i] === after[i];
  if (!same) differ++;
  console.log(`  ${word}\t${after[i]}${same ? '' : `\t(F32: ${before[i]})`}`);
});
original.dispose();
half.dispose();
process.exit(differ === 0 ? 0 : 1);
