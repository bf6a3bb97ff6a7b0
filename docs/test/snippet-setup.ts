/**
 * What a snippet expects to find beside it that its README says the reader made elsewhere:
 * - the cells README loads `lstm.safetensors`, which its Python block saves from PyTorch;
 * - the keras README loads `my_model/`, a Keras model converted to the TF.js layers format.
 * Here these files are made from layers of the same shapes, by our own encoder and by tf.layers'
 * own saver (their numbers are the cells and keras packages' tests' business; this only lets the
 * snippets run as written).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeSafetensors, LSTM } from '@gated/cells';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

async function writeSafetensors(cwd: string): Promise<void> {
  // As the README's Python: torch.nn.LSTM(16, 32, num_layers=2, bidirectional=True, batch_first=True)
  const lstm = new LSTM({ inputSize: 16, hiddenSize: 32, numLayers: 2, bidirectional: true });
  const dict = lstm.stateDict();
  writeFileSync(join(cwd, 'lstm.safetensors'), encodeSafetensors(dict));
  tf.dispose(Object.values(dict));
  lstm.dispose();
}

/** The README's `Embedding(10, 4) → LSTM(5) → Dense(3, softmax)`, as tensorflowjs_converter writes it. */
async function writeKerasModel(cwd: string): Promise<void> {
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 5 }),
      tf.layers.lstm({ units: 5, recurrentActivation: 'sigmoid' }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  const dir = join(cwd, 'my_model');
  mkdirSync(dir);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const shard = 'group1-shard1of1.bin';
      writeFileSync(join(dir, shard), new Uint8Array(artifacts.weightData as ArrayBuffer));
      const { modelTopology, format, generatedBy, convertedBy, weightSpecs } = artifacts;
      const weightsManifest = [{ paths: [shard], weights: weightSpecs }];
      const json = { modelTopology, format, generatedBy, convertedBy, weightsManifest };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
}

/** Writes into `cwd` what the snippet in `file` reads. */
export async function prepareSnippet(file: string, cwd: string): Promise<void> {
  const code = readFileSync(file, 'utf8');
  await tf.setBackend('wasm'); // (the cpu backend would print tfjs's Node banner in the test log)
  if (code.includes("'lstm.safetensors'")) await writeSafetensors(cwd);
  if (code.includes("'my_model'")) await writeKerasModel(cwd);
}

/**
 * What some snippets must print, where their comments state results: the seq2seq README's
 * example learns to reverse (exact match 1 at step 800, `[3, 4, 5, 6, 7]` decoded as
 * `[7, 6, 5, 4, 3]`, the best checkpoint reversing an unseen `[9, 8, 7]`) and resumes to step 850.
 */
const PRINTED: ReadonlyArray<{ marker: string; lines: readonly RegExp[] }> = [
  {
    marker: "writeCheckpoint('runs/reverse', saveTraining(t))",
    lines: [/^800 \S+ 1$/m, /^\[ 7, 6, 5, 4, 3 \]$/m, /^3 6$/m, /^\[ 7, 8, 9 \]$/m, /^850$/m],
  },
];

/** The lines the snippet in `file` must have printed (none for most). */
export function expectedOutput(file: string): readonly RegExp[] {
  const code = readFileSync(file, 'utf8');
  return PRINTED.filter(({ marker }) => code.includes(marker)).flatMap(({ lines }) => lines);
}
