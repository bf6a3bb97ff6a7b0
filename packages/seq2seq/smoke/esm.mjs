// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarballs.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beamSearch, greedyDecode, loadModel, Seq2Seq, saveModel, Trainer } from '@gated/seq2seq';
import { readCheckpoint, writeCheckpoint } from '@gated/seq2seq/node';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('cpu');
const model = new Seq2Seq({
  sourceVocabSize: 8,
  targetVocabSize: 8,
  padId: 0,
  bosId: 1,
  eosId: 2,
  hiddenSize: 8,
  embeddingSize: 5,
});
const train = [
  { source: [3, 4, 5], target: [5, 4, 3] },
  { source: [6, 7], target: [7, 6] },
];
await new Trainer(model, { batchSize: 2, learningRate: 1e-2 }).fit({ train, maxSteps: 3 });
const dir = join(mkdtempSync(join(tmpdir(), 'smoke-')), 'model');
writeCheckpoint(dir, saveModel(model, { vocab: 'here' }));
const { model: loaded, extra } = loadModel(readCheckpoint(dir));
assert.deepEqual(extra, { vocab: 'here' });
assert.deepEqual(greedyDecode(loaded, [[3, 4, 5]]), greedyDecode(model, [[3, 4, 5]]));
const [best] = beamSearch(loaded, [[3, 4, 5]], { beamSize: 2 })[0];
console.log(
  `esm ok: greedy [${greedyDecode(model, [[3, 4, 5]])[0].tokens}], beam [${best.tokens}]`,
);
