// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarball.
const assert = require('node:assert/strict');
const { reverseTask, loadCmudictG2P, editDistance } = require('@gated/datasets');

const [example] = reverseTask({ count: 1, minLength: 4, maxLength: 4, seed: 1 });
assert.deepEqual(example.target, [...example.source].reverse());
assert.equal(editDistance('kitten', 'sitting'), 3);
loadCmudictG2P().then((split) => {
  assert.ok(split.train.length > 100_000);
  console.log(
    `cjs ok: ${example.source.join('')} -> ${example.target.join('')}; G2P train split ${split.train.length} words`,
  );
});
