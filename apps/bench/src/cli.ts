/**
 * The benchmark CLI: pnpm bench <suite> [options] (see USAGE in cli-arguments.ts).
 * Writes results/<suite>.json, results/<suite>.md and SVG figures into DIR (default: results/).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderSvg, type TopLevelSpec } from '@gated/viz';
import { useBackend } from './backend';
import { claimsFigures, claimsMarkdown } from './claims/report-claims';
import {
  CLAIM_NAMES,
  type ClaimName,
  type ClaimsResults,
  type ModelPlaces,
  runClaims,
} from './claims/run-claims';
import { type Arguments, parseCommand, USAGE, UsageError } from './cli-arguments';
import { g2pMarkdown } from './g2p/g2p-markdown';
import { runG2PReport } from './g2p/g2p-report';
import { g2pTask } from './models/demo-tasks';
import {
  g2pResultsName,
  g2pStressPlaces,
  SHIPPED_G2P_RUN,
  trainG2PStress,
} from './models/g2p-stress';
import { runPredict } from './models/predict';
import { type ModelRunOptions, modelsMarkdown, runTrainDemoModels } from './models/run-models';
import { Progress } from './progress';
import { writeResult } from './results';
import { speedFigures, speedMarkdown } from './speed/report-speed';
import { runSpeed } from './speed/run-speed';
import { speedBrowserMarkdown } from './speed-browser/report-speed-browser';
import { runSpeedBrowser } from './speed-browser/run-speed-browser';

const repository = resolve(import.meta.dirname, '..', '..', '..');

/**
 * The models the demo ships, which claim 7 measures (on fewer words in a quick run): its dates
 * model and its pronunciation model, `@gated/g2p`'s (`packages/g2p/model`).
 */
async function shippedModels(quick: boolean): Promise<ModelPlaces> {
  const { dictionary } = await import('cmu-pronouncing-dictionary');
  const test = g2pTask(dictionary, true).test; // 20 words; a full run takes 1,000 below
  return {
    dates: join(repository, 'apps', 'demo', 'public', 'models', 'dates'),
    g2p: join(repository, 'packages', 'g2p', 'model'),
    g2pTest: quick ? test : g2pTask(dictionary, false).test.slice(0, 1000),
  };
}

export async function runSuite(args: Arguments): Promise<string[]> {
  if (args.suite === 'speed-browser') {
    // In Chromium: the --backend option does not apply (the page runs tfjs-backend-wasm).
    const results = await runSpeedBrowser({ quick: args.quick, threads: args.threads });
    return writeSuite(args.out, args.suite, results, speedBrowserMarkdown(results), {});
  }
  await useBackend(args.backend);
  if (args.suite === 'predict') {
    const { predicted, skipped } = await runPredict(args.model!, args.beam);
    // `pnpm --silent bench predict` asks for the predictions alone (pnpm sets npm_config_reporter).
    if (process.env.npm_config_reporter !== 'silent')
      console.error(`predicted ${predicted} lines, skipped ${skipped}`);
    return [];
  }
  if (args.suite === 'g2p') {
    const only = args.only;
    if (only !== undefined && only !== 'train' && only !== 'report')
      throw new UsageError(`--only must be train or report for g2p, got ${only}`);
    if (only !== 'report')
      await trainG2PStress({
        quick: args.quick,
        out: args.out,
        timeBudgetMinutes: args.timeBudgetMinutes,
      });
    if (only === 'train') return [];
    // A report alone is of the shipped model unless --model names another; after training (and
    // in a quick run) it is of the model just trained.
    const modelDir =
      args.model ??
      (only === 'report' && !args.quick
        ? join(SHIPPED_G2P_RUN, 'model')
        : g2pStressPlaces(args.quick, args.out).modelDir);
    const results = await runG2PReport({ quick: args.quick, out: args.out, modelDir });
    const name = g2pResultsName(modelDir, args.quick);
    return writeSuite(args.out, name, results, g2pMarkdown(results), {});
  }
  if (args.suite === 'train-demo-models') {
    const only = args.only as ModelRunOptions['only'];
    if (only !== undefined && !['dates', 'dates-plain', 'g2p', 'recall'].includes(only))
      throw new UsageError(
        `--only must be recall, dates, dates-plain or g2p for ${args.suite}, got ${only}`,
      );
    const options = {
      quick: args.quick,
      out: args.out,
      only,
      timeBudgetMinutes: args.timeBudgetMinutes,
    };
    const results = await runTrainDemoModels(options);
    return writeSuite(args.out, args.suite, results, modelsMarkdown(results), {});
  }
  if (args.suite === 'claims') {
    const only = args.only?.split(',').map((name) => name.trim());
    const unknown = only?.filter((name) => !(CLAIM_NAMES as readonly string[]).includes(name));
    if (unknown?.length)
      throw new UsageError(
        `--only takes claims from ${CLAIM_NAMES.join(', ')}; unknown: ${unknown.join(', ')}`,
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
  if (args.suite !== 'speed') throw new UsageError(`unknown suite '${args.suite}'`);
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

export { parseArguments } from './cli-arguments';

/** The CLI: usage on stdout for --help, usage errors on stderr with exit status 2. */
async function main(argv: string[]): Promise<number> {
  try {
    const command = parseCommand(argv);
    if ('help' in command) {
      console.log(USAGE);
      return 0;
    }
    if ('version' in command) {
      const manifest = new URL('../package.json', import.meta.url);
      console.log((JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version);
      return 0;
    }
    const written = await runSuite(command);
    if (written.length > 0) console.error(`wrote:\n  ${written.join('\n  ')}`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`pnpm bench: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    console.error((error as Error).message);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`)
  process.exitCode = await main(process.argv.slice(2));
