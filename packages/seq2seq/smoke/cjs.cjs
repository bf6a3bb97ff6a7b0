// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarballs.
const assert = require('node:assert/strict');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const { Seq2Seq, Trainer, greedyDecode, saveModel, loadModel } = require('@gated/seq2seq');
require('@gated/seq2seq/node');

tf.setBackend('cpu').then(async () => {
  const model = new Seq2Seq({
    sourceVocabSize: 8,
    targetVocabSize: 8,
    padId: 0,
    bosId: 1,
    eosId: 2,
    hiddenSize: 8,
    attention: 'luong-general',
  });
  await new Trainer(model, { batchSize: 1 }).fit({
    train: [{ source: [3, 4], target: [4, 3] }],
    maxSteps: 2,
  });
  const { model: loaded } = loadModel(saveModel(model));
  assert.deepEqual(greedyDecode(loaded, [[3, 4]]), greedyDecode(model, [[3, 4]]));
  console.log(`cjs ok: greedy [${greedyDecode(model, [[3, 4]])[0].tokens}]`);
});
