import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RecallModelExtra } from '@gated/models';
import type { TrainingEvent } from '@gated/seq2seq';
import { describeMachine, type MachineDescription } from '../machine';
import { medianDecodeMs } from '../speed/decode-latency';
import {
  datesPlainRecipe,
  datesRecipe,
  datesTask,
  G2P_TOTAL_STEPS,
  g2pRecipe,
  g2pTask,
  scoreTextModel,
  type TextMetrics,
} from './demo-tasks';
import { trainRecallModel } from './recall-model';
import { type TextTask, trainTextModel } from './train-text-model';

export interface ModelRunOptions {
  quick: boolean;
  out: string;
  only?: 'dates' | 'dates-plain' | 'g2p' | 'recall';
  timeBudgetMinutes?: number;
}

/** The schema of `results/train-demo-models.json`. */
export interface ModelResults {
  suite: 'train-demo-models' | 'g2p';
  schemaVersion: 1;
  quick: boolean;
  machine: MachineDescription;
  models: Array<{
    task: string;
    modelDir: string;
    finished: boolean;
    trainedSteps: number;
    trainingSeconds: number;
    parameters: number;
    test: TextMetrics;
    /** Greedy decoding of one word at a time (batch 1), median over test words, in ms. */
    latencyMsPerWord: number;
  }>;
  /** `train-demo-models` only: the LSTM of the demo's gate view (long-range recall). */
  recall?: RecallModelExtra & { modelDir: string; parameters: number };
}

const repository = resolve(import.meta.dirname, '..', '..', '..', '..');

/**
 * Where models and training checkpoints go: `out` for quick runs; else the checkpoint in
 * `apps/bench/runs/<task>/` and the model in the demo's public folder, except the stress-free
 * G2P model, which the demo no longer serves (it pronounces with `@gated/g2p`'s): it goes to
 * `apps/bench/runs/g2p-model/` (gitignored: its weights are those of the `runs/g2p` checkpoint).
 */
function places(options: ModelRunOptions, task: string): { modelDir: string; runDir: string } {
  if (options.quick)
    return { modelDir: join(options.out, 'models', task), runDir: join(options.out, 'runs', task) };
  const runs = join(repository, 'apps', 'bench', 'runs');
  return {
    modelDir:
      task === 'g2p'
        ? join(runs, 'g2p-model')
        : join(repository, 'apps', 'demo', 'public', 'models', task),
    runDir: join(runs, task),
  };
}

function logProgress(task: string): (event: TrainingEvent) => void {
  return (event) => {
    if (event.type === 'evaluation') {
      console.error(
        `${task} step ${event.step}: dev loss ${event.loss.toFixed(3)}, exact match ${(100 * event.exactMatch).toFixed(1)}%`,
      );
    } else if (event.type === 'step' && event.step % 100 === 0) {
      const eta =
        event.etaSeconds === undefined ? '' : `, ~${Math.round(event.etaSeconds / 60)} min to go`;
      console.error(
        `${task} step ${event.step}: loss ${event.loss.toFixed(3)}, ${Math.round(event.tokensPerSecond)} tokens/s${eta}`,
      );
    }
  };
}

async function trainAndScore(
  task: TextTask,
  recipe: ReturnType<typeof datesRecipe>,
  options: ModelRunOptions,
  beamSize: number,
) {
  const { modelDir, runDir } = places(options, task.name);
  const { model, finished, steps, seconds } = await trainTextModel({
    task,
    ...recipe,
    runDir,
    outDir: modelDir,
    timeBudgetMs:
      options.timeBudgetMinutes === undefined ? undefined : options.timeBudgetMinutes * 60_000,
    onProgress: logProgress(task.name),
  });
  const test = scoreTextModel(model, task.test, beamSize);
  const latencyMsPerWord = medianDecodeMs(
    model,
    task.test.slice(0, options.quick ? 5 : 200).map((p) => p.source.join('')),
  );
  const entry = {
    task: task.name,
    modelDir,
    finished,
    trainedSteps: steps,
    trainingSeconds: seconds,
    parameters: model.model.numParameters(),
    test,
    latencyMsPerWord,
  };
  model.dispose();
  return entry;
}

/** Median time to decode one input alone with greedy search (what an app does per keystroke). */
async function loadDictionary(): Promise<Record<string, string>> {
  return (await import('cmu-pronouncing-dictionary')).dictionary;
}

/**
 * `train-demo-models`: the recall LSTM, the dates model (and `dates-plain`, its twin without
 * attention) and the stress-free G2P model (the stress model's warm start, `pnpm bench g2p`).
 */
export async function runTrainDemoModels(options: ModelRunOptions): Promise<ModelResults> {
  const models: ModelResults['models'] = [];
  const wanted = (task: NonNullable<ModelRunOptions['only']>) =>
    options.only === undefined || options.only === task;
  let recall: ModelResults['recall'];
  if (wanted('recall')) {
    const { modelDir } = places(options, 'recall');
    recall = {
      modelDir,
      ...trainRecallModel({
        quick: options.quick,
        outDir: modelDir,
        onProgress: (step, loss) => {
          if (step % 500 === 0) console.error(`recall step ${step}: loss ${loss.toFixed(4)}`);
        },
      }),
    };
  }
  if (wanted('dates'))
    models.push(
      await trainAndScore(datesTask(options.quick), datesRecipe(options.quick), options, 1),
    );
  if (wanted('dates-plain'))
    models.push(
      await trainAndScore(
        { ...datesTask(options.quick), name: 'dates-plain' },
        datesPlainRecipe(options.quick),
        options,
        1,
      ),
    );
  if (wanted('g2p'))
    models.push(
      await trainAndScore(
        g2pTask(await loadDictionary(), options.quick),
        g2pRecipe(options.quick),
        options,
        1,
      ),
    );
  return mergeWithEarlier(options, {
    suite: 'train-demo-models',
    schemaVersion: 1,
    quick: options.quick,
    machine: describeMachine(),
    models,
    ...(recall ? { recall } : {}),
  });
}

/**
 * With `--only`, the models not trained in this run keep their entries from the results file
 * already in `out`, so the file always describes every shipped model.
 */
function mergeWithEarlier(options: ModelRunOptions, results: ModelResults): ModelResults {
  const earlierPath = join(options.out, 'train-demo-models.json');
  if (options.only === undefined || !existsSync(earlierPath)) return results;
  const earlier = JSON.parse(readFileSync(earlierPath, 'utf8')) as ModelResults;
  if (earlier.suite !== 'train-demo-models' || earlier.quick !== options.quick) return results;
  const trained = new Set(results.models.map((m) => m.task));
  const models = [...earlier.models.filter((m) => !trained.has(m.task)), ...results.models];
  const recall = results.recall ?? earlier.recall;
  return { ...results, models, ...(recall ? { recall } : {}) };
}

const PUBLISHED = [
  ['CMUSphinx g2p-seq2seq, LSTM 2×512', '—', '23.3–24.2'],
  ['CMUSphinx g2p-seq2seq, LSTM 2×64', '—', '31.3'],
  ['CMUSphinx g2p-seq2seq, Transformer 3×256', '—', '20.6'],
  ['Phonetisaurus (joint n-gram)', '—', '24.4'],
  ['Yao & Zweig 2015, bi-LSTM', '5.45', '23.55'],
  ['Toshniwal & Livescu 2016, ensemble', '—', '20.24'],
];

/** `results/<suite>.md`: test metrics beside the published CMUdict results. */
export function modelsMarkdown(results: ModelResults): string {
  const percent = (x: number) => (100 * x).toFixed(2);
  const lines = [
    `# ${results.suite}${results.quick ? ' (quick run: tiny data, not for comparison)' : ''}`,
    '',
    `Trained on ${results.machine.cpu} (${results.machine.cores} cores), Node ${results.machine.node}, tfjs ${results.machine.tfjs} ${results.machine.backend}.`,
    '',
    '| model | parameters | training | steps | test examples | exact match % | PER % | WER % | decoding | greedy latency, 1 input |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
    ...results.models.map(
      (m) =>
        `| ${m.task}${m.finished ? '' : ' (training not finished)'} | ${m.parameters} | ${(m.trainingSeconds / 60).toFixed(1)} min | ${m.trainedSteps} | ${m.test.examples} | ${percent(m.test.exactMatch)} | ${percent(m.test.tokenErrorRate)} | ${percent(m.test.wordErrorRate)} | ${m.test.beamSize === 1 ? 'greedy' : `beam ${m.test.beamSize}`}, ${m.test.decodeSeconds.toFixed(0)} s | ${m.latencyMsPerWord.toFixed(1)} ms |`,
    ),
  ];
  if (results.recall) {
    const r = results.recall;
    lines.push(
      '',
      `Recall LSTM (the demo's gate view): ${r.parameters} parameters, ${r.trainedSteps} steps on distances ${r.trainedDistances[0]}–${r.trainedDistances[1]} in ${r.trainingSeconds.toFixed(0)} s. Held-out accuracy (256 sequences per distance):`,
      '',
      `| distance | ${r.accuracy.map((a) => a.distance).join(' | ')} |`,
      `| --- | ${r.accuracy.map(() => '---:').join(' | ')} |`,
      `| accuracy % | ${r.accuracy.map((a) => (100 * a.accuracy).toFixed(1)).join(' | ')} |`,
    );
  }
  if (results.models.some((m) => m.task === 'g2p' && !results.quick)) {
    lines.push(
      '',
      `Recipe (\`g2pRecipe\` in \`src/models/demo-tasks.ts\`): bidirectional LSTM encoder and Bahdanau-attention LSTM decoder, 256 wide, embeddings 64, dropout 0.2; batch 64, Adam 2e-3, 500 warm-up steps, then cosine decay to 2% at step ${G2P_TOTAL_STEPS.toLocaleString('en-US')}. The first 5,030 steps ran under a 60,000-step cosine, which was then shortened (a resumed run takes the recipe's schedule). Training time is wall time on this machine, over three resumed runs, one core (the wasm backend is single-threaded in Node).`,
    );
  }
  if (results.models.some((m) => m.task === 'g2p')) {
    lines.push(
      '',
      'Published CMUdict results (stress stripped). Their train/test splits differ from ours (FNV-1a hash of the word mod 100: 0–9 test), so the comparison is indicative:',
      '',
      '| system | PER % | WER % |',
      '| --- | ---: | ---: |',
      ...PUBLISHED.map(([name, per, wer]) => `| ${name} | ${per} | ${wer} |`),
    );
  }
  return `${lines.join('\n')}\n`;
}
