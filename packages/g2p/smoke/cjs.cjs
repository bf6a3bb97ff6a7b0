// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarballs.
const assert = require('node:assert/strict');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const { createG2P } = require('@gated/g2p');

tf.setBackend('cpu').then(async () => {
  const modelOnly = await createG2P({ lexicon: false, alphabet: 'ipa' });
  const [zebra] = await modelOnly.pronounce('Zebra');
  assert.equal(zebra.source, 'model');
  assert.match(zebra.pronunciation, /^z/);
  modelOnly.dispose();
  // CMUdict is an ES module: the CommonJS build imports it dynamically.
  const [hello] = await (await createG2P()).pronounce('HELLO');
  assert.deepEqual([hello.source, hello.pronunciation], ['lexicon', 'HH AH0 L OW1']);
  console.log(`cjs ok: zebra /${zebra.pronunciation}/ (model, IPA), hello ${hello.pronunciation}`);
});
