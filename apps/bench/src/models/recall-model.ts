import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  classifierAccuracy,
  classifierStep,
  RECALL_TOKENS,
  type RecallModelExtra,
  recallBatch,
  recallClassifier,
  saveClassifier,
} from '@gated/models';
import * as tf from '@tensorflow/tfjs';

/**
 * Trains the LSTM whose gates the demo's first section shows: long-range recall (a key, N
 * distractors, `?` → the key), hidden 16 so every unit fits on screen.
 */
export function trainRecallModel(options: {
  quick: boolean;
  outDir: string;
  onProgress?: (step: number, loss: number) => void;
}): RecallModelExtra & { parameters: number } {
  const steps = options.quick ? 20 : 3000;
  const [minDistance, maxDistance] = options.quick ? [3, 6] : [5, 40];
  const model = recallClassifier({
    cell: 'lstm',
    embeddingSize: 8,
    hiddenSize: options.quick ? 4 : 16,
    seed: 7,
  });
  const optimizer = tf.train.adam(3e-3);
  const started = performance.now();
  for (let step = 0; step < steps; step++) {
    const distance = minDistance + (step % (maxDistance - minDistance + 1));
    const loss = classifierStep(model, optimizer, recallBatch(32, distance, 1000 + step));
    if (!Number.isFinite(loss)) throw new Error(`recall: loss became ${loss} at step ${step}`);
    options.onProgress?.(step + 1, loss);
  }
  const trainingSeconds = (performance.now() - started) / 1000;
  const distances = options.quick ? [3, 6] : [5, 10, 20, 40, 60, 80];
  const accuracy = distances.map((distance) => ({
    distance,
    accuracy: classifierAccuracy(model, recallBatch(256, distance, 1_000_000 + distance)),
  }));
  const extra: RecallModelExtra = {
    task: 'recall',
    tokens: RECALL_TOKENS,
    trainedDistances: [minDistance, maxDistance],
    trainedSteps: steps,
    trainingSeconds,
    accuracy,
  };
  const files = saveClassifier(model, extra);
  const parameters = model.numParameters();
  optimizer.dispose();
  model.dispose();
  const staging = `${options.outDir}.writing-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(staging, name), content);
  // Each file is written in full before it replaces the old one (a rename), so a failed run never
  // leaves a half-written model behind.
  mkdirSync(options.outDir, { recursive: true });
  for (const name of Object.keys(files))
    renameSync(join(staging, name), join(options.outDir, name));
  rmSync(staging, { recursive: true, force: true });
  return { ...extra, parameters };
}
