/**
 * The benchmark CLI: pnpm bench <suite> [--quick] [--backend wasm|cpu|tensorflow] [--out DIR]
 * Writes results/<suite>.json, results/<suite>.md and SVG figures into DIR (default: results/).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderSvg, type TopLevelSpec } from '@gated/viz';
import { type BackendName, useBackend } from './backend';
import { claimsFigures, claimsMarkdown } from './claims/report-claims';
import {
  CLAIM_NAMES,
  type ClaimName,
  type ClaimsResults,
  type ModelPlaces,
  runClaims,
} from './claims/run-claims';
import { g2pTask } from './models/demo-tasks';
import { runPredict } from './models/predict';
import {
  type ModelRunOptions,
  modelsMarkdown,
  runG2P,
  runTrainDemoModels,
} from './models/run-models';
import { Progress } from './progress';
import { writeResult } from './results';
import { speedFigures, speedMarkdown } from './speed/report-speed';
import { runSpeed } from './speed/run-speed';

const USAGE = [
  'usage: pnpm bench <suite> [--quick] [--backend wasm|cpu|tensorflow] [--out DIR]',
  'suites: speed, claims [--only CLAIM,…], train-demo-models [--only recall|dates|g2p],',
  '        g2p [--time-budget MIN], predict --model DIR [--beam N]',
].join('\n');

const modelsDir = resolve(import.meta.dirname, '..', '..', 'demo', 'public', 'models');

/** The demo's shipped models, which claim 7 measures (on fewer words in a quick run). */
async function shippedModels(quick: boolean): Promise<ModelPlaces> {
  const { dictionary } = await import('cmu-pronouncing-dictionary');
  const test = g2pTask(dictionary, true).test; // 20 words; a full run takes 1,000 below
  return {
    dates: join(modelsDir, 'dates'),
    g2p: join(modelsDir, 'g2p'),
    g2pTest: quick ? test : g2pTask(dictionary, false).test.slice(0, 1000),
  };
}

interface Arguments {
  suite: string;
  quick: boolean;
  backend: BackendName;
  out: string;
  /** `train-demo-models`: one model; `claims`: a comma-separated list of claims. */
  only?: string;
  timeBudgetMinutes?: number;
  model?: string;
  beam: number;
}

export function parseArguments(argv: string[], cwd = process.cwd()): Arguments {
  const args: Arguments = {
    suite: '',
    quick: false,
    backend: 'wasm',
    out: resolve(import.meta.dirname, '..', 'results'),
    beam: 1,
  };
  const number = (name: string, value: string | undefined, min: number) => {
    const parsed = Number(value);
    if (!(parsed >= min))
      throw new Error(`${name} must be a number ≥ ${min}, got ${value}\n${USAGE}`);
    return parsed;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') args.quick = true;
    else if (arg === '--backend') {
      const value = argv[++i];
      if (value !== 'wasm' && value !== 'cpu' && value !== 'tensorflow')
        throw new Error(`--backend must be wasm, cpu or tensorflow, got ${value}\n${USAGE}`);
      args.backend = value;
    } else if (arg === '--out') {
      const value = argv[++i];
      if (!value) throw new Error(`--out needs a directory\n${USAGE}`);
      args.out = resolve(cwd, value);
    } else if (arg === '--only') {
      const value = argv[++i];
      if (!value) throw new Error(`--only needs a value\n${USAGE}`);
      args.only = value;
    } else if (arg === '--time-budget')
      args.timeBudgetMinutes = number('--time-budget', argv[++i], 0);
    else if (arg === '--model') args.model = argv[++i];
    else if (arg === '--beam') args.beam = Math.floor(number('--beam', argv[++i], 1));
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else if (!args.suite) args.suite = arg;
    else throw new Error(`one suite at a time, got ${args.suite} and ${arg}\n${USAGE}`);
  }
  if (!args.suite) throw new Error(USAGE);
  if (args.suite === 'predict' && !args.model)
    throw new Error(`predict needs --model DIR\n${USAGE}`);
  return args;
}

export async function runSuite(args: Arguments): Promise<string[]> {
  await useBackend(args.backend);
  if (args.suite === 'predict') {
    const { predicted, skipped } = await runPredict(args.model!, args.beam);
    console.error(`predicted ${predicted} lines, skipped ${skipped}`);
    return [];
  }
  if (args.suite === 'train-demo-models' || args.suite === 'g2p') {
    const only = args.only as ModelRunOptions['only'];
    if (only !== undefined && only !== 'dates' && only !== 'g2p' && only !== 'recall')
      throw new Error(
        `--only must be recall, dates or g2p for ${args.suite}, got ${only}\n${USAGE}`,
      );
    const options = {
      quick: args.quick,
      out: args.out,
      only,
      timeBudgetMinutes: args.timeBudgetMinutes,
    };
    const results =
      args.suite === 'g2p' ? await runG2P(options) : await runTrainDemoModels(options);
    return writeSuite(args.out, args.suite, results, modelsMarkdown(results), {});
  }
  if (args.suite === 'claims') {
    const only = args.only?.split(',').map((name) => name.trim());
    const unknown = only?.filter((name) => !(CLAIM_NAMES as readonly string[]).includes(name));
    if (unknown?.length)
      throw new Error(
        `--only takes claims from ${CLAIM_NAMES.join(', ')}; unknown: ${unknown.join(', ')}\n${USAGE}`,
      );
    const earlierPath = join(args.out, 'claims.json');
    const results = await runClaims({
      quick: args.quick,
      progress: new Progress('claims', 10),
      only: only as ClaimName[] | undefined,
      earlier: existsSync(earlierPath)
        ? (JSON.parse(readFileSync(earlierPath, 'utf8')) as ClaimsResults)
        : undefined,
      models: await shippedModels(args.quick),
    });
    return writeSuite(args.out, 'claims', results, claimsMarkdown(results), claimsFigures(results));
  }
  if (args.suite !== 'speed') throw new Error(`unknown suite '${args.suite}'\n${USAGE}`);
  const results = await runSpeed({ quick: args.quick });
  return writeSuite(args.out, 'speed', results, speedMarkdown(results), speedFigures(results));
}

/** `<suite>.json`, `<suite>.md` and the figures as SVG; returns the paths written. */
async function writeSuite(
  out: string,
  suite: string,
  results: unknown,
  markdown: string,
  figures: Record<string, TopLevelSpec>,
): Promise<string[]> {
  const written = [
    writeResult(out, `${suite}.json`, `${JSON.stringify(results, null, 2)}\n`),
    writeResult(out, `${suite}.md`, markdown),
  ];
  for (const [name, spec] of Object.entries(figures))
    written.push(writeResult(out, name, await renderSvg(spec)));
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const written = await runSuite(parseArguments(process.argv.slice(2)));
    if (written.length > 0) console.error(`wrote:\n  ${written.join('\n  ')}`);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
