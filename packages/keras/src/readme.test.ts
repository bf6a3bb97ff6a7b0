import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { maxAbsDiff, randomizeWeights, savedArtifacts, writeModelJson } from '../test/helpers';

// The README's snippets run as written: each ```ts block is saved in .tmp/ and imported, with
// only the model folder's path replaced, and what it computes is checked here.
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const scratch = join(packageDir, '.tmp', 'readme');
rmSync(scratch, { recursive: true, force: true });
mkdirSync(join(scratch, 'my_model'), { recursive: true });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const snippets = [
  ...readFileSync(join(packageDir, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g),
].map((m) => m[1]!);

async function runSnippet(index: number, exports: string[]): Promise<Record<string, unknown>> {
  const file = join(scratch, `snippet-${index}.ts`);
  const code = snippets[index]!.replace("'my_model'", JSON.stringify(join(scratch, 'my_model')));
  writeFileSync(file, `${code}\nexport { ${exports.join(', ')} };\n`);
  return import(/* @vite-ignore */ file);
}

describe('README', () => {
  it('has the two snippets this test runs', () => {
    expect(snippets).toHaveLength(2);
  });

  it('"Bring your Keras RNN": the model loads and predicts what tf.layers predicts', async () => {
    const keras = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 5 }),
        tf.layers.lstm({ units: 5, recurrentActivation: 'sigmoid' }),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    randomizeWeights(keras, 5);
    const artifacts = await savedArtifacts(keras);
    writeModelJson(join(scratch, 'my_model'), 'model', artifacts, [
      new Uint8Array(artifacts.weightData as ArrayBuffer),
    ]);
    const before = tf.memory().numTensors;
    const { probabilities, model, ids } = (await runSnippet(0, [
      'probabilities',
      'model',
      'ids',
    ])) as {
      probabilities: tf.Tensor;
      ids: tf.Tensor;
      model: { dispose(): void };
    };
    const expected = tf.tidy(() => keras.predict(tf.tensor2d([[3, 1, 4, 1, 5]])) as tf.Tensor);
    expect(probabilities.shape).toEqual([1, 3]);
    expect(maxAbsDiff(probabilities, expected)).toBeLessThanOrEqual(1e-5);
    tf.dispose([probabilities, expected, ids]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before); // the loader kept nothing else
    keras.dispose();
  });

  it('"One layer at a time": a Keras GRU loads and runs', async () => {
    const before = tf.memory().numTensors;
    const { output, hN, gru, weights } = (await runSnippet(1, [
      'output',
      'hN',
      'gru',
      'weights',
    ])) as {
      output: tf.Tensor;
      hN: tf.Tensor;
      weights: Record<string, tf.Tensor>;
      gru: { dispose(): void };
    };
    expect([output.shape, hN.shape]).toEqual([
      [3, 6, 5],
      [1, 3, 5],
    ]);
    expect(Array.from(output.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([output, hN, ...Object.values(weights)]);
    gru.dispose();
    // What is left is the snippet's own input, made inline: loading and forward kept nothing.
    expect(tf.memory().numTensors).toBe(before + 1);
  });
});
