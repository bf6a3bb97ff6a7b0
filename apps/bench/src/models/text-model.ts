import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  characterTokenizer,
  symbolTokenizer,
  type Tokenizer,
  Vocab,
  type VocabJson,
} from '@gated/datasets';
import {
  beamSearch,
  type Example,
  greedyDecode,
  type Hypothesis,
  loadModel,
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

export type TokenizerName = 'characters' | 'symbols';

export interface TextTask {
  name: string;
  sourceTokenizer: TokenizerName;
  targetTokenizer: TokenizerName;
  train: TextPair[];
  dev: TextPair[];
  test: TextPair[];
}

/** What a shipped model carries besides its weights (the checkpoint's `extra`). */
export interface TextModelExtra {
  task: string;
  sourceTokenizer: TokenizerName;
  targetTokenizer: TokenizerName;
  sourceVocab: VocabJson;
  targetVocab: VocabJson;
  trainedSteps: number;
  trainingSeconds: number;
}

export const tokenizers: Record<TokenizerName, Tokenizer> = {
  characters: characterTokenizer,
  symbols: symbolTokenizer,
};

/** A trained model with everything needed to turn text into text. */
export class TextModel {
  constructor(
    readonly model: Seq2Seq,
    readonly extra: TextModelExtra,
    readonly sourceVocab = Vocab.fromJSON(extra.sourceVocab),
    readonly targetVocab = Vocab.fromJSON(extra.targetVocab),
  ) {}

  static load(dir: string): TextModel {
    const { model, extra } = loadModel(readCheckpoint(dir));
    return new TextModel(model, extra as TextModelExtra);
  }

  /** Text in, token lists out (beam 1 = greedy). */
  predict(texts: readonly string[], beamSize = 1): string[][] {
    const sources = texts.map((text) =>
      this.sourceVocab.encode(tokenizers[this.extra.sourceTokenizer].tokenize(text)),
    );
    const empty = sources.findIndex((s) => s.length === 0);
    if (empty >= 0) throw new Error(`predict: input ${empty + 1} is empty`);
    return beamSearch(this.model, sources, { beamSize, alpha: beamSize > 1 ? 1 : 0 }).map(
      ([best]) => this.targetVocab.decode(best!.tokens),
    );
  }

  /** Greedy hypotheses (token ids, score, attention rows) for texts, in order. */
  decode(texts: readonly string[]): Hypothesis[] {
    const sources = texts.map((text) =>
      this.sourceVocab.encode(tokenizers[this.extra.sourceTokenizer].tokenize(text)),
    );
    return greedyDecode(this.model, sources);
  }

  /** The output as text, tokens joined as the target tokenizer joins them. */
  detokenize(tokens: readonly string[]): string {
    return tokenizers[this.extra.targetTokenizer].detokenize(tokens);
  }
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
): Promise<{ model: TextModel; finished: boolean; seconds: number }> {
  const { task } = options;
  let trainer: Trainer;
  let extra: TextModelExtra;
  if (existsSync(join(options.runDir, 'training.json'))) {
    // The recipe's schedule governs a resumed run too, so a recipe can shorten (or lengthen) its
    // schedule between runs; the step counter and Adam moments carry on.
    const { learningRate, schedule } = options.trainer;
    const files = readCheckpoint(options.runDir);
    const restored = loadTraining(files, { learningRate, schedule });
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
    extra = restored.extra as TextModelExtra;
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
      padId: 0,
      bosId: 1,
      eosId: 2,
    });
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
  const snapshot = (): TextModelExtra => ({
    ...extra,
    trainedSteps: trainer.state.step,
    trainingSeconds: secondsBefore + (performance.now() - started) / 1000,
  });
  const { reason } = await trainer.fit({
    train,
    validation,
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
    seconds: finalExtra.trainingSeconds,
  };
}
