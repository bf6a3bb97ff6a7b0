// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarball.
import assert from 'node:assert/strict';
import {
  characterTokenizer,
  dateTask,
  loadCmudictG2P,
  padBatch,
  Vocab,
  wordErrorRate,
} from '@gated/datasets';

const [example] = dateTask({ count: 1, seed: 1 });
const vocab = Vocab.build([example.source, example.target]);
const batch = padBatch([vocab.encode(example.source), vocab.encode(example.target)]);
assert.equal(batch.shape[0], 2);
const digits = Vocab.build([characterTokenizer.tokenize('0123456789')]);
assert.equal(
  digits.decode(digits.encode(characterTokenizer.tokenize('2026x'))).join(''),
  '2026<unk>',
);
const split = await loadCmudictG2P();
assert.ok(split.test.length > 10_000);
assert.equal(wordErrorRate([{ prediction: ['A'], references: [['B'], ['A']] }]), 0);
console.log(
  `esm ok: ${example.source.join('')} -> ${example.target.join('')}; G2P test split ${split.test.length} words`,
);
