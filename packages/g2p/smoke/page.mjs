// The page bundled by browser.mjs: what an app does with @gated/g2p in a browser.
import { createG2P } from '@gated/g2p';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

try {
  await tf.setBackend('cpu');
  // A bundle moves the code away from the package, so the model folder is named: wherever the
  // app serves the package's model/ files (here, straight from node_modules).
  const g2p = await createG2P({ modelUrl: '/node_modules/@gated/g2p/model/' });
  const [hello, gatedness] = await g2p.pronounce('Hello gatedness');
  globalThis.smoke = {
    hello: hello.pronunciation,
    gatedness: { source: gatedness.source, pronunciation: gatedness.pronunciation },
    backend: tf.getBackend(),
  };
  g2p.dispose();
} catch (error) {
  globalThis.smoke = { error: String(error?.stack ?? error) };
}
