// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarballs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createG2P } from '@gated/g2p';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('cpu');
// The model and the lexicon come from inside the installed packages (file: URLs, node:fs).
const g2p = await createG2P({ nBest: 2 });
const [hello, world, gatedness] = await g2p.pronounce('Hello, world! Gatedness');
assert.equal(hello.pronunciation, 'HH AH0 L OW1');
assert.equal(world.source, 'lexicon');
assert.equal(gatedness.source, 'model');
assert.equal(gatedness.alternatives.length, 2);
const before = tf.memory().numTensors;
g2p.dispose();
assert.ok(tf.memory().numTensors < before);
// The bin, as npm installed it.
const line = execFileSync('node_modules/.bin/gated-g2p', ['--ipa'], {
  input: 'Hello, world\n',
  encoding: 'utf8',
});
assert.equal(line, 'Hello, world\thəlˈoʊ wˈɝld\n');
console.log(
  `esm ok: hello ${hello.pronunciation}, gatedness ${gatedness.pronunciation} (model); gated-g2p --ipa: ${line.trim()}`,
);
