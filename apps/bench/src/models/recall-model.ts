import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  classifierAccuracy,
  classifierStep,
  saveClassifier,
} from '../../../demo/src/engine/classifier-training';
import { RECALL_KEYS, RECALL_TOKENS, recallBatch } from '../../../demo/src/engine/recall-data';
import { SequenceClassifier } from '../../../demo/src/engine/sequence-classifier';

/** What the demo's recall model records about its training (`extra` of its config.json). */
export interface RecallModelExtra {
  task: 'recall';
  tokens: readonly string[];
  /** Distances (distractors between key and question) drawn uniformly in training. */
  trainedDistances: [number, number];
  trainedSteps: number;
  trainingSeconds: number;
  /** Held-out accuracy per distance (256 sequences each). */
  accuracy: Array<{ distance: number; accuracy: number }>;
}

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
  const model = new SequenceClassifier({
    cell: 'lstm',
    vocabSize: RECALL_TOKENS.length,
    embeddingSize: 8,
    hiddenSize: options.quick ? 4 : 16,
    classes: RECALL_KEYS,
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
