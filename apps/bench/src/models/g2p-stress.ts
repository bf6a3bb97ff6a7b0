import { appendFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { loadTextModel } from '@gated/models/node';
import type { TrainingEvent } from '@gated/seq2seq';
import * as tf from '@tensorflow/tfjs';
import { warmStart } from '../g2p/warm-start';
import { g2pTask, type Recipe } from './demo-tasks';
import { type TextTask, trainTextModel } from './train-text-model';

/**
 * The stress-keeping CMUdict model (`HH AH0 L OW1`), the one `@gated/g2p` ships: a
 * bidirectional LSTM encoder (122 per direction) and a Bahdanau-attention LSTM decoder, 244 wide,
 * embeddings 64 — 987,121 parameters with the stressed vocabulary (73 tokens), so the F16 file
 * stays under 2 MB (256 wide, the earlier model, is 1,078,345: 2.16 MB). Trained 4,000 steps, then
 * resumed to 8,000 under this longer schedule (a warm restart). Batches are bucketed by
 * length (293 ms per step of 64 against 473 ms shuffled, measured on this machine).
 *
 * Warm-started from the earlier stress-free model (`G2P_WARM_START_DIR`, the demo's model until
 * it took this one: 256 wide, 15,000 steps, 140 min): its first 244 units, its phoneme rows copied to each
 * stressed form (see `warmStart`). On a machine shared by many jobs (~0.3–1.8 s per step) a run
 * from scratch could not reach the earlier model's 15,000 steps in the time there was.
 *
 * A third phase was measured and not kept: resumed to 14,000 steps under a 14,000-step cosine
 * with label smoothing 0.1, it scored worse on the test split (greedy WER without stress 29.31%
 * against 28.59%, beam 5 with stress 35.24% against 35.09%), and the average of its last five
 * checkpoints was no better than its last step on the dev split (results/g2p.md).
 */
export const G2P_STRESS_TOTAL_STEPS = 8_000;

/**
 * The model the stress run starts from: the stress-free model's training checkpoint in
 * `apps/bench/runs/g2p/` (its weights are those the demo served until it took `@gated/g2p`'s
 * model; `loadTextModel` reads the checkpoint's model files and leaves its optimizer state).
 */
export const G2P_WARM_START_DIR = join(
  resolve(import.meta.dirname, '..', '..', '..', '..'),
  'apps',
  'bench',
  'runs',
  'g2p',
);

export function g2pStressRecipe(quick: boolean): Recipe {
  const totalSteps = quick ? 20 : G2P_STRESS_TOTAL_STEPS;
  return {
    config: {
      cell: 'lstm',
      embeddingSize: quick ? 8 : 64, // the warm start's
      hiddenSize: quick ? 16 : 244, // the widest under 2 MB at F16 with embeddings 64
      attention: 'bahdanau',
      dropout: quick ? 0 : 0.2, // as the earlier model
      seed: 1,
    },
    trainer: {
      batchSize: 64,
      learningRate: 1e-3, // half the earlier peak: a fine-tune of a trained model
      schedule: { type: 'warmup-cosine', warmupSteps: 200, totalSteps, minFactor: 0.02 },
      seed: 1,
    },
    maxSteps: totalSteps,
    evaluateEvery: quick ? 10 : 500, // a checkpoint at every evaluation
    devSample: quick ? 20 : 500,
    bucketing: {},
  };
}

/** The run's folder: `training/` (resume checkpoint), `model/` (final weights), the log. */
export interface G2PStressPlaces {
  root: string;
  runDir: string;
  modelDir: string;
  logFile: string;
}

const repository = resolve(import.meta.dirname, '..', '..', '..', '..');

/**
 * The run whose model `@gated/g2p` ships (packages/g2p/model is its F16 conversion): what
 * `pnpm bench g2p --only report` reports by default, and the only model results/g2p.* describe.
 */
export const SHIPPED_G2P_RUN = join(repository, 'apps', 'bench', 'runs', 'g2p-twin');

/**
 * The results name of a report of the model in `modelDir` (a run folder's `model/`): `g2p` for
 * the shipped model (and in a quick run, whose results go to its own folder), else
 * `g2p-<run folder>` (`g2p-stress` for runs/g2p-stress), so that a report of another model never
 * replaces the shipped model's.
 */
export function g2pResultsName(modelDir: string, quick: boolean): string {
  const run = resolve(dirname(modelDir));
  if (quick || run === SHIPPED_G2P_RUN) return 'g2p';
  const folder = basename(run);
  return folder.startsWith('g2p-') ? folder : `g2p-${folder}`;
}

export function g2pStressPlaces(quick: boolean, out: string): G2PStressPlaces {
  const root = quick
    ? join(out, 'runs', 'g2p-stress')
    : join(repository, 'apps', 'bench', 'runs', 'g2p-stress');
  return {
    root,
    runDir: join(root, 'training'),
    modelDir: join(root, 'model'),
    logFile: join(root, 'training-log.txt'),
  };
}

/** The stress-keeping task: CMUdict with stress digits, lower-case graphemes. */
export async function g2pStressTask(quick: boolean): Promise<TextTask> {
  const { dictionary } = await import('cmu-pronouncing-dictionary');
  return { ...g2pTask(dictionary, quick, { keepStress: true }), name: 'g2p-stress' };
}

/** Appends progress to the training log, one line each, with the UTC wall time. */
function logTo(file: string): (line: string) => void {
  return (line) => {
    const stamped = `${new Date().toISOString()} ${line}`;
    console.error(stamped);
    appendFileSync(file, `${stamped}\n`);
  };
}

/** Turns training events into log lines: every evaluation and stop, every 100th step. */
function progressLines(): (event: TrainingEvent) => string | null {
  let last: { step: number; at: number } | null = null;
  return (event) => {
    if (event.type === 'evaluation')
      return `step ${event.step} epoch ${event.epoch}: dev loss ${event.loss.toFixed(4)}, exact match ${(100 * event.exactMatch).toFixed(1)}%, token accuracy ${(100 * event.tokenAccuracy).toFixed(1)}%`;
    if (event.type === 'stop')
      return `stop at step ${event.step}: ${event.reason}. ${event.message}`;
    if (event.step % 100 !== 0) return null;
    const now = performance.now();
    const pace = last ? `, ${((now - last.at) / (event.step - last.step)).toFixed(0)} ms/step` : '';
    last = { step: event.step, at: now };
    const eta =
      event.etaSeconds === undefined ? '' : `, ~${Math.round(event.etaSeconds / 60)} min to go`;
    return `step ${event.step} epoch ${event.epoch}: loss ${event.loss.toFixed(3)}, lr ${event.learningRate.toExponential(2)}${pace}${eta}`;
  };
}

/** Trains (or resumes) the stress model for at most `timeBudgetMinutes`, logging as it goes. */
export async function trainG2PStress(options: {
  quick: boolean;
  out: string;
  timeBudgetMinutes?: number;
}) {
  const places = g2pStressPlaces(options.quick, options.out);
  mkdirSync(places.root, { recursive: true });
  const log = logTo(places.logFile);
  const recipe = g2pStressRecipe(options.quick);
  const lines = progressLines();
  log(
    `run starts: budget ${options.timeBudgetMinutes ?? 'none'} min, recipe ${JSON.stringify(recipe)}`,
  );
  const task = await g2pStressTask(options.quick);
  const result = await trainTextModel({
    task,
    ...recipe,
    initialise: options.quick
      ? undefined
      : (model, vocabularies) => {
          const counts = new Map<string, number>();
          for (const pair of task.train)
            for (const target of pair.targets)
              for (const token of target) counts.set(token, (counts.get(token) ?? 0) + 1);
          const earlier = loadTextModel(G2P_WARM_START_DIR);
          const parameters = earlier.model.numParameters();
          const from = earlier.model.stateDict();
          try {
            warmStart(model, {
              from,
              fromTargets: earlier.targetVocab.tokens,
              toTargets: vocabularies.target.tokens,
              targetCounts: counts,
            });
          } finally {
            tf.dispose(Object.values(from));
            earlier.dispose();
          }
          log(
            `warm start from ${G2P_WARM_START_DIR} (${earlier.extra.task}, ${parameters} parameters)`,
          );
        },
    runDir: places.runDir,
    outDir: places.modelDir,
    timeBudgetMs:
      options.timeBudgetMinutes === undefined ? undefined : options.timeBudgetMinutes * 60_000,
    onProgress: (event) => {
      const line = lines(event);
      if (line) log(line);
    },
  });
  log(
    `run ends: step ${result.steps}, ${(result.seconds / 60).toFixed(1)} min of training in all, finished ${result.finished}; model in ${places.modelDir}`,
  );
  return { ...result, places };
}
