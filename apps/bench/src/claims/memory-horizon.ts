import {
  type ClassifierCell,
  classifierAccuracy,
  classifierStep,
  recallBatch,
  recallClassifier,
  type SequenceClassifier,
} from '@gated/models';
import * as tf from '@tensorflow/tfjs';
import type { Progress } from '../progress';

/** The recall classifier every run of claim 3 starts from (the same seed for every cell). */
function recallModel(cell: ClassifierCell, quick: boolean, inputNoise = 0): SequenceClassifier {
  return recallClassifier({
    cell,
    embeddingSize: 8,
    hiddenSize: quick ? 4 : 32,
    seed: 11,
    inputNoise,
  });
}

/** One cell's from-scratch runs: a fresh model per distance, the same number of steps each. */
export interface ScratchRuns {
  /** Held-out accuracy (256 sequences) after training at that distance only. */
  accuracy: number[];
  /** Wall time of each distance's training, in seconds. */
  seconds: number[];
  steps: number;
}

/**
 * Claim 3 as the seed means it: can the cell *learn* to carry a key across N steps? A fresh
 * model (hidden 32, Adam 3e-3, batch 32, the same seed) trains on distance N only — so the
 * only learning signal has to travel N steps back — for the same number of updates at every N.
 */
export async function recallFromScratch(
  cell: ClassifierCell,
  options: { distances: number[]; quick: boolean; steps: number; progress?: Progress },
): Promise<ScratchRuns> {
  const { distances } = options;
  const accuracy: number[] = [];
  const seconds: number[] = [];
  for (const distance of distances) {
    const model = recallModel(cell, options.quick);
    const optimizer = tf.train.adam(3e-3);
    const started = performance.now();
    for (let step = 0; step < options.steps; step++) {
      const loss = classifierStep(model, optimizer, recallBatch(32, distance, 20_000 + step));
      if (!Number.isFinite(loss))
        throw new Error(
          `memory horizon (${cell}, distance ${distance}): loss ${loss} at step ${step}`,
        );
      if (step % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
    }
    seconds.push((performance.now() - started) / 1000);
    accuracy.push(classifierAccuracy(model, recallBatch(256, distance, 900_000 + distance)));
    options.progress?.note(
      `memory horizon ${cell}, from scratch at distance ${distance}: ${(100 * accuracy.at(-1)!).toFixed(0)}% after ${options.steps} steps (${seconds.at(-1)!.toFixed(0)} s)`,
    );
    optimizer.dispose();
    model.dispose();
  }
  return { accuracy, seconds, steps: options.steps };
}

/** One cell's run of the memory-horizon experiment. */
export interface HorizonRun {
  /** Held-out accuracy at each of the experiment's distances. */
  accuracy: number[];
  /** Longest curriculum distance the cell mastered (≥ 95%) within the budget; 0 if none. */
  mastered: number;
  steps: number;
  seconds: number;
  /** Median wall time of one training step at the distances trained, in ms. */
  msPerStep: number;
}

export interface HorizonOptions {
  quick: boolean;
  /** Gaussian noise (standard deviation) on every embedded input; 0 = none. */
  inputNoise: number;
  /** Training wall time per cell, in seconds. */
  budgetSeconds: number;
  progress?: Progress;
}

/** Distances (distractors between the key and the question) of the curriculum and the test. */
export function horizonDistances(quick: boolean): number[] {
  return quick ? [3, 6] : [10, 25, 50, 100, 200, 400];
}

/**
 * The same task on a curriculum: each cell (hidden 32) trains at the first distance until 95% of
 * 128 held-out sequences are right, then moves to the next, for the same wall-time budget; then
 * every distance is tested on 256 new sequences. Short lessons first let a cell find a solution
 * (an attractor that holds the key) whose gradient never had to cross the long distances.
 */
export async function memoryHorizon(
  cell: ClassifierCell,
  options: HorizonOptions,
): Promise<HorizonRun> {
  const distances = horizonDistances(options.quick);
  const model = recallModel(cell, options.quick, options.inputNoise);
  const optimizer = tf.train.adam(3e-3);
  const started = performance.now();
  const stepTimes: number[] = [];
  let level = 0;
  let mastered = 0;
  let step = 0;
  const checkEvery = options.quick ? 5 : 50;
  while (level < distances.length && (performance.now() - started) / 1000 < options.budgetSeconds) {
    const distance = distances[level]!;
    // Mostly the current distance, sometimes a shorter one, so earlier lessons are kept.
    const review = level > 0 && step % 4 === 3;
    const trainDistance = review ? distances[(step >> 2) % level]! : distance;
    const before = performance.now();
    const loss = classifierStep(model, optimizer, recallBatch(32, trainDistance, 10_000 + step));
    stepTimes.push(performance.now() - before);
    step++;
    if (!Number.isFinite(loss))
      throw new Error(`memory horizon (${cell}): loss ${loss} at step ${step}`);
    if (step % checkEvery === 0) {
      const accuracy = classifierAccuracy(model, recallBatch(128, distance, 500_000 + step));
      options.progress?.note(
        `memory horizon ${cell}${options.inputNoise > 0 ? `, noise ${options.inputNoise}` : ''}: step ${step}, distance ${distance}, accuracy ${(100 * accuracy).toFixed(0)}%`,
      );
      if (accuracy >= 0.95) {
        mastered = distance;
        level++;
      }
    }
    if (step % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const seconds = (performance.now() - started) / 1000;
  const accuracy = distances.map((distance) =>
    classifierAccuracy(model, recallBatch(256, distance, 900_000 + distance)),
  );
  optimizer.dispose();
  model.dispose();
  stepTimes.sort((a, b) => a - b);
  return {
    accuracy,
    mastered,
    steps: step,
    seconds,
    msPerStep: stepTimes[Math.floor(stepTimes.length / 2)] ?? Number.NaN,
  };
}
