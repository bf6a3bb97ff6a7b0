// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarballs.
const assert = require('node:assert/strict');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const { createG2P } = require('@gated/g2p');

tf.setBackend('cpu').then(async () => {
  const g2p = await createG2P({ lexicon: false, alphabet: 'ipa' });
  const [zebra] = await g2p.pronounce('Zebra');
  assert.equal(zebra.source, 'model');
  assert.match(zebra.pronunciation, /^z/);
  g2p.dispose();
  console.log(`cjs ok: zebra /${zebra.pronunciation}/ (model, IPA)`);
});
