import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bucketByLength, Vocab } from '@gated/datasets';
import {
  TextModel,
  type TextModelExtra,
  type TokenizerName,
  VOCAB_SPECIAL_IDS,
} from '@gated/models';
import {
  type Example,
  loadTraining,
  Seq2Seq,
  type Seq2SeqConfig,
  saveModel,
  saveTraining,
  Trainer,
  type TrainerOptions,
  type TrainingEvent,
} from '@gated/seq2seq';
import { readCheckpoint, writeCheckpoint } from '@gated/seq2seq/node';

/** A text-to-text task: token sequences with one or more acceptable targets. */
export interface TextPair {
  source: string[];
  /** Acceptable outputs (G2P words can have several pronunciations). */
  targets: string[][];
}

export interface TextTask {
  name: string;
  sourceTokenizer: TokenizerName;
  targetTokenizer: TokenizerName;
  train: TextPair[];
  dev: TextPair[];
  test: TextPair[];
}

/** What a model trained here carries besides its weights: how long it trained, too. */
export interface TrainedTextModelExtra extends TextModelExtra {
  trainedSteps: number;
  trainingSeconds: number;
}

export interface TrainTextModelOptions {
  task: TextTask;
  config: Omit<Seq2SeqConfig, 'sourceVocabSize' | 'targetVocabSize' | 'bosId' | 'eosId' | 'padId'>;
  trainer: TrainerOptions;
  maxSteps: number;
  evaluateEvery: number;
  /** Stop this run after this long; the training checkpoint lets the next run continue. */
  timeBudgetMs?: number;
  /** Training checkpoints (resumed from when present). */
  runDir: string;
  /** Where the final model goes (config + weights + vocabularies). */
  outDir: string;
  /**
   * Length-bucketed batches (`bucketByLength` over source + target length, reseeded each epoch
   * from the trainer's seed), so a batch pads little. Default off: the plain seeded shuffle, so
   * runs started before this option resume in the order they began with.
   */
  bucketing?: { poolSize?: number };
  /**
   * Sets a new model's first weights (a warm start from an earlier model), before training
   * begins; not called when a run resumes from its checkpoint.
   */
  initialise?: (model: Seq2Seq, vocabularies: { source: Vocab; target: Vocab }) => void;
  /** Examples of the dev split evaluated during training. Default 300. */
  devSample?: number;
  onProgress?: (event: TrainingEvent) => void;
}

function examplesOf(pairs: readonly TextPair[], source: Vocab, target: Vocab): Example[] {
  return pairs.flatMap((pair) =>
    pair.targets.map((t) => ({ source: source.encode(pair.source), target: target.encode(t) })),
  );
}

/**
 * Trains (or resumes training) a text model: vocabularies from the training split, training
 * checkpoints after every evaluation, the final model written to `outDir` when `maxSteps` is
 * reached (or whenever this run stops, so the latest model is always shipped).
 */
export async function trainTextModel(
  options: TrainTextModelOptions,
): Promise<{ model: TextModel; finished: boolean; steps: number; seconds: number }> {
  const { task } = options;
  let trainer: Trainer;
  let extra: TrainedTextModelExtra;
  if (existsSync(join(options.runDir, 'training.json'))) {
    // The recipe's schedule and label smoothing govern a resumed run too, so a recipe can change
    // them between runs (a longer schedule, smoothing added); the step counter and Adam moments
    // carry on.
    const { learningRate, schedule, labelSmoothing } = options.trainer;
    const files = readCheckpoint(options.runDir);
    const restored = loadTraining(files, {
      learningRate,
      schedule,
      labelSmoothing: labelSmoothing ?? 0,
    });
    const saved = JSON.parse(new TextDecoder().decode(files['training.json'])) as {
      options: { schedule?: unknown };
    };
    if (
      JSON.stringify(saved.options.schedule) !== JSON.stringify(restored.trainer.options.schedule)
    )
      console.error(
        `${options.task.name}: resuming at step ${restored.trainer.state.step} with the recipe's schedule ${JSON.stringify(schedule)} (was ${JSON.stringify(saved.options.schedule)})`,
      );
    trainer = restored.trainer;
    extra = restored.extra as TrainedTextModelExtra;
  } else {
    const sourceVocab = Vocab.build(task.train.map((p) => p.source));
    const targetVocab = Vocab.build(task.train.flatMap((p) => p.targets));
    extra = {
      task: task.name,
      sourceTokenizer: task.sourceTokenizer,
      targetTokenizer: task.targetTokenizer,
      sourceVocab: sourceVocab.toJSON(),
      targetVocab: targetVocab.toJSON(),
      trainedSteps: 0,
      trainingSeconds: 0,
    };
    const model = new Seq2Seq({
      ...options.config,
      sourceVocabSize: sourceVocab.size,
      targetVocabSize: targetVocab.size,
      ...VOCAB_SPECIAL_IDS,
    });
    options.initialise?.(model, { source: sourceVocab, target: targetVocab });
    trainer = new Trainer(model, options.trainer);
  }
  const sourceVocab = Vocab.fromJSON(extra.sourceVocab);
  const targetVocab = Vocab.fromJSON(extra.targetVocab);
  const train = examplesOf(task.train, sourceVocab, targetVocab);
  const validation = examplesOf(
    task.dev.slice(0, options.devSample ?? 300),
    sourceVocab,
    targetVocab,
  );
  const started = performance.now();
  const secondsBefore = extra.trainingSeconds;
  const snapshot = (): TrainedTextModelExtra => ({
    ...extra,
    trainedSteps: trainer.state.step,
    trainingSeconds: secondsBefore + (performance.now() - started) / 1000,
  });
  const lengths = train.map((e) => e.source.length + e.target.length);
  const seed = trainer.options.seed;
  const batches = options.bucketing
    ? (epoch: number) =>
        bucketByLength(lengths, {
          batchSize: trainer.options.batchSize,
          seed: (seed * 100_003 + epoch) >>> 0,
          poolSize: options.bucketing?.poolSize,
        })
    : undefined;
  const { reason } = await trainer.fit({
    train,
    validation,
    ...(batches ? { batches } : {}),
    maxSteps: options.maxSteps,
    evaluateEvery: options.evaluateEvery,
    timeBudgetMs: options.timeBudgetMs,
    onProgress: options.onProgress,
    onCheckpoint: (t) => writeCheckpoint(options.runDir, saveTraining(t, snapshot())),
  });
  const finalExtra = snapshot();
  writeCheckpoint(options.outDir, saveModel(trainer.model, finalExtra));
  trainer.dispose();
  return {
    model: new TextModel(trainer.model, finalExtra),
    finished: reason === 'maxSteps',
    steps: finalExtra.trainedSteps,
    seconds: finalExtra.trainingSeconds,
  };
}
