import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { TextModel } from '@gated/models';
import { loadTextModel } from '@gated/models/node';
import { saveModel } from '@gated/seq2seq';
import { readCheckpoint, writeCheckpoint } from '@gated/seq2seq/node';
import { wasmKernelsStatus } from '@gated/wasm';
import { describeMachine, type MachineDescription } from '../machine';
import { g2pStressPlaces, g2pStressTask } from '../models/g2p-stress';
import type { TrainedTextModelExtra } from '../models/train-text-model';
import { medianDecodeMs } from '../speed/decode-latency';
import { type G2PScores, scoreG2P } from './g2p-scores';
import { loadPhonemizer, type PhonemizerRun, runPhonemizer } from './phonemizer-peer';

/** One decoding of the test split. */
export interface G2PDecoding extends G2PScores {
  beamSize: number;
  seconds: number;
  /** Words decoded per second, in batches (256 greedy, 64 beam). */
  wordsPerSecond: number;
}

/** The schema of `results/g2p.json`. */
export interface G2PResults {
  suite: 'g2p';
  schemaVersion: 3;
  quick: boolean;
  machine: MachineDescription;
  accelerator: { engines: string[]; threads: number };
  /** The 1-minute load average when the report started and when it ended (a shared machine). */
  loadAverage: [number, number];
  model: {
    dir: string;
    /** The run folder the model is in (`dir`'s parent). */
    runDir: string;
    /** How it was trained: the run folder's RECIPE.md, when it has one. */
    recipe?: string;
    /** The F16 copy the package ships, and what it weighs. */
    f16Dir: string;
    f16Bytes: number;
    f32Bytes: number;
    parameters: number;
    trainedSteps: number;
    trainingSeconds: number;
  };
  /** Model only (no lexicon), F16 weights, on every test word. */
  test: { words: number; greedy: G2PDecoding; beam: G2PDecoding };
  /** The F32 weights, greedy, on the comparison sample: what F16 costs. */
  f32GreedySample: G2PScores;
  speed: {
    /** Median ms of greedy `predict([word])`, one word at a time (200 test words). */
    msPerWordSingle: number;
    /** Greedy, batches of 256 (shortest words together, as @gated/g2p batches), over the test split. */
    wordsPerSecondBatched: number;
    /** Read the F16 files, build the model, pronounce one word: ms, in a warm process. */
    coldStartMs: { load: number; firstWord: number };
  };
  /** The same `sample` words through espeak-ng (`phonemizer`) and through our model. */
  comparison: {
    words: number;
    ours: { greedy: G2PScores; beam: G2PScores };
    phonemizer:
      | (Omit<PhonemizerRun, 'predictions' | 'ipa'> & {
          scores: G2PScores;
          examples: Array<{
            word: string;
            ipa: string;
            arpabet: string;
            cmudict: string;
            ours: string;
          }>;
        })
      | { note: string };
  };
}

function bytesOf(files: Record<string, Uint8Array>): number {
  return files['weights.safetensors']?.byteLength ?? 0;
}

/**
 * Decodes `words` in batches (256 greedy, 64 beam), shortest words together as @gated/g2p's
 * `PronunciationModel.decode` batches them (little padding), and returns the predictions in the
 * input order.
 */
function decode(model: TextModel, words: readonly string[], beamSize: number) {
  const started = performance.now();
  const batch = beamSize > 1 ? 64 : 256;
  const order = words.map((_, i) => i).sort((a, b) => words[a]!.length - words[b]!.length);
  const predictions = new Array<string[]>(words.length);
  for (let from = 0; from < order.length; from += batch) {
    const chunk = order.slice(from, from + batch);
    const decoded = model.predict(
      chunk.map((i) => words[i]!),
      beamSize,
    );
    chunk.forEach((i, k) => {
      predictions[i] = decoded[k]!;
    });
  }
  return { predictions, seconds: (performance.now() - started) / 1000 };
}

/**
 * `pnpm bench g2p --only report`: the stress model (F16, as shipped) on the whole test split,
 * greedy and beam 5, with and without stress; speed; and `phonemizer` beside it on a sample.
 */
export async function runG2PReport(options: {
  quick: boolean;
  out: string;
  modelDir?: string;
  sample?: number;
}): Promise<G2PResults> {
  const loadAtStart = loadavg()[0]!;
  const places = g2pStressPlaces(options.quick, options.out);
  const modelDir = options.modelDir ?? places.modelDir;
  const f32 = loadTextModel(modelDir);
  const extra = f32.extra as TrainedTextModelExtra;
  const f32Files = readCheckpoint(modelDir);
  // Beside the model it came from (its run folder's model-f16/), never over another run's copy;
  // the recipe is the run folder's too, so the report describes the model it measured.
  const runDir = dirname(modelDir);
  const recipePath = join(runDir, 'RECIPE.md');
  const recipe = existsSync(recipePath) ? readFileSync(recipePath, 'utf8').trim() : undefined;
  const f16Dir = join(runDir, 'model-f16');
  mkdirSync(dirname(f16Dir), { recursive: true });
  writeCheckpoint(f16Dir, saveModel(f32.model, extra, { floatDtype: 'F16' }));
  // Cold start: read the shipped files, build the model, pronounce one word.
  const t0 = performance.now();
  const model = TextModel.fromFiles(readCheckpoint(f16Dir));
  const t1 = performance.now();
  model.predict(['zebra']);
  const t2 = performance.now();
  const f16Bytes = bytesOf(readCheckpoint(f16Dir));

  const task = await g2pStressTask(options.quick);
  const words = task.test.map((p) => p.source.join(''));
  const references = task.test.map((p) => p.targets);
  const greedy = decode(model, words, 1);
  const beam = decode(model, words, options.quick ? 2 : 5);
  const decoding = (d: typeof greedy, beamSize: number): G2PDecoding => ({
    ...scoreG2P(d.predictions, references),
    beamSize,
    seconds: d.seconds,
    wordsPerSecond: words.length / d.seconds,
  });
  const msPerWordSingle = medianDecodeMs(model, words.slice(0, options.quick ? 5 : 200));

  // The comparison sample: every k-th test word, so it spans the alphabet.
  const count = Math.min(options.sample ?? (options.quick ? 10 : 1000), words.length);
  const stride = Math.floor(words.length / count);
  const indices = Array.from({ length: count }, (_, i) => i * stride);
  const sampleWords = indices.map((i) => words[i]!);
  const sampleRefs = indices.map((i) => references[i]!);
  const f32Greedy = decode(f32, sampleWords, 1);
  const pick = (all: string[][]) => indices.map((i) => all[i]!);
  const found = loadPhonemizer();
  let phonemizer: G2PResults['comparison']['phonemizer'];
  if ('note' in found) phonemizer = { note: found.note };
  else {
    const run = await runPhonemizer(found.phonemize, found.version, sampleWords);
    const { predictions, ipa, ...rest } = run;
    const ours = pick(beam.predictions);
    phonemizer = {
      ...rest,
      scores: scoreG2P(predictions, sampleRefs),
      examples: indices.slice(0, 25).map((_, k) => ({
        word: sampleWords[k]!,
        ipa: ipa[k]!,
        arpabet: predictions[k]!.join(' '),
        cmudict: sampleRefs[k]!.map((r) => r.join(' ')).join(' / '),
        ours: ours[k]!.join(' '),
      })),
    };
  }
  const status = wasmKernelsStatus();
  const results: G2PResults = {
    suite: 'g2p',
    schemaVersion: 3,
    quick: options.quick,
    machine: describeMachine(),
    accelerator: { engines: [...status.engines], threads: status.threads },
    loadAverage: [loadAtStart, loadavg()[0]!],
    model: {
      dir: modelDir,
      runDir,
      ...(recipe === undefined ? {} : { recipe }),
      f16Dir,
      f16Bytes,
      f32Bytes: bytesOf(f32Files),
      parameters: model.model.numParameters(),
      trainedSteps: extra.trainedSteps,
      trainingSeconds: extra.trainingSeconds,
    },
    test: {
      words: words.length,
      greedy: decoding(greedy, 1),
      beam: decoding(beam, options.quick ? 2 : 5),
    },
    f32GreedySample: scoreG2P(f32Greedy.predictions, sampleRefs),
    speed: {
      msPerWordSingle,
      wordsPerSecondBatched: words.length / greedy.seconds,
      coldStartMs: { load: t1 - t0, firstWord: t2 - t1 },
    },
    comparison: {
      words: count,
      ours: {
        greedy: scoreG2P(pick(greedy.predictions), sampleRefs),
        beam: scoreG2P(pick(beam.predictions), sampleRefs),
      },
      phonemizer,
    },
  };
  f32.dispose();
  model.dispose();
  return results;
}
