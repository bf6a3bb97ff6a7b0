import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  expectNoLeaks,
  maxAbsDiff,
  randomizeWeights,
  savedArtifacts,
  writeModelJson,
} from '../test/helpers';
import { loadKerasModel } from './load-keras-model';
import type { KerasModelArtifacts } from './model-json';

const dir = mkdtempSync(join(tmpdir(), 'gated-keras-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An LSTM model as tf.layers builds it: 7 features → LSTM 5 (every step) → Dense 3. */
function lstmModel(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.lstm({
        inputShape: [6, 7],
        units: 5,
        recurrentActivation: 'sigmoid',
        returnSequences: true,
      }),
      tf.layers.dense({ units: 3 }),
    ],
  });
  randomizeWeights(model, 7);
  return model;
}

function writeModel(name: string, artifacts: KerasModelArtifacts, shards: Uint8Array[]): string {
  return writeModelJson(dir, name, artifacts, shards);
}

const readShard = (path: string) => readFile(join(dir, path));
const x = tf.randomNormal([3, 6, 7], 0, 1, 'float32', 3);

describe('model.json and .bin shards on disk', () => {
  it('a tf.layers LSTM model, in two shards, loads and predicts as tf.layers (≤ 1e-5)', async () => {
    const model = lstmModel();
    const artifacts = await savedArtifacts(model);
    const bytes = new Uint8Array(artifacts.weightData as ArrayBuffer);
    const file = writeModel('lstm', artifacts, [bytes.slice(0, 100), bytes.slice(100)]);
    const expected = model.predict(x) as tf.Tensor;
    await expectNoLeaks(async () => {
      const loaded = await loadKerasModel(readFileSync(file, 'utf8'), readShard);
      const actual = loaded.forward(x);
      expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(1e-5);
      actual.dispose();
      loaded.dispose();
    });
    tf.dispose(expected);
    model.dispose();
  });

  it.each([
    ['uint8', 255],
    ['uint16', 65535],
  ] as const)(
    '%s-quantized weights (tensorflowjs_converter --quantize_%s) are dequantized',
    async (dtype, levels) => {
      const model = lstmModel();
      const artifacts = await savedArtifacts(model);
      // Quantize each weight as the converter does: value ≈ min + scale · q, q in 0..levels.
      const dequantized: tf.Tensor[] = [];
      const bytes: number[] = [];
      const weightSpecs = artifacts.weightSpecs.map((spec, i) => {
        const values = model.getWeights()[i]!.dataSync();
        const min = Math.min(...values);
        const scale = (Math.max(...values) - min) / levels;
        const q = Array.from(values, (v) => Math.round((v - min) / scale));
        bytes.push(
          ...new Uint8Array((dtype === 'uint8' ? Uint8Array : Uint16Array).from(q).buffer),
        );
        dequantized.push(
          tf.tensor(
            q.map((k) => min + scale * k),
            spec.shape,
          ),
        );
        return { ...spec, quantization: { dtype, min, scale } };
      });
      model.setWeights(dequantized);
      const file = writeModel(`lstm-${dtype}`, { ...artifacts, weightSpecs }, [
        Uint8Array.from(bytes),
      ]);
      const expected = model.predict(x) as tf.Tensor;
      await expectNoLeaks(async () => {
        const loaded = await loadKerasModel(JSON.parse(readFileSync(file, 'utf8')), readShard);
        const actual = loaded.forward(x);
        expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(1e-5);
        actual.dispose();
        loaded.dispose();
      });
      tf.dispose([expected, ...dequantized]);
      model.dispose();
    },
  );

  it('refuses a shard shorter than its weights need, naming it and both sizes', async () => {
    const model = lstmModel();
    const artifacts = await savedArtifacts(model);
    const bytes = new Uint8Array(artifacts.weightData as ArrayBuffer);
    const file = writeModel('short', artifacts, [bytes.slice(0, bytes.length - 4)]);
    await expectNoLeaks(async () => {
      await expect(loadKerasModel(readFileSync(file, 'utf8'), readShard)).rejects.toThrow(
        `readModelJson: shards 'short.group1-shard1of1.bin' hold ${bytes.length - 4} bytes, their weights need ${bytes.length}`,
      );
    });
    model.dispose();
  });

  it('refuses a graph model and text that is not JSON', async () => {
    await expect(
      loadKerasModel({ format: 'graph-model', modelTopology: {} }, readShard),
    ).rejects.toThrow(/graph model .* gated reads layers models/);
    await expect(loadKerasModel('{"modelTopology": ', readShard)).rejects.toThrow(
      /model.json is not valid JSON/,
    );
  });
});
