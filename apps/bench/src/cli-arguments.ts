import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BackendName } from './backend';

export const USAGE = `usage: pnpm bench <suite> [options]

suites:
  speed                          recurrent layers against tf.layers, PyTorch, onnxruntime, brain.js
  speed-browser [--threads N]    the same in headless Chromium: gated, tf.layers, onnxruntime-web
                                 (--threads: gated's kernel threads; default installWasmKernels' 'auto')
  claims [--only CLAIM,…]        the seed's claims, measured
  train-demo-models [--only recall|dates|dates-plain|g2p]
                                 trains the demo's models
  g2p [--time-budget MIN] [--only train|report] [--model DIR]
                                 trains (or resumes) the stress-keeping G2P model, then
                                 reports WER/PER, speed and phonemizer beside it
                                 (--only report: the shipped model unless --model)
  predict --model DIR [--beam N] one prediction per stdin line: input<TAB>output

options:
  --quick                        a small run (CI)
  --backend wasm|cpu|tensorflow  tfjs backend (default wasm, with @gated/wasm installed)
  --out DIR                      where results go (default apps/bench/results)
  -h, --help                     this text
  --version                      the bench's version`;

/** A mistake in the command line: printed with the usage, exit status 2. */
export class UsageError extends Error {}

export interface Arguments {
  suite: string;
  quick: boolean;
  backend: BackendName;
  out: string;
  /** `train-demo-models`: one model; `claims`: a comma-separated list of claims. */
  only?: string;
  timeBudgetMinutes?: number;
  model?: string;
  beam: number;
  /** `speed-browser`: gated's kernel threads in the page (absent: installWasmKernels' 'auto'). */
  threads?: number;
}

/** What the command line asks for: a suite to run, or the usage or version to print. */
export type Command = { help: true } | { version: true } | Arguments;

export function parseCommand(argv: string[], cwd = process.cwd()): Command {
  const { values } = parseOrExplain(argv);
  if (values.help) return { help: true };
  if (values.version) return { version: true };
  return parseArguments(argv, cwd);
}

function parseOrExplain(argv: string[]): ReturnType<typeof parse> {
  try {
    return parse(argv);
  } catch (error) {
    // parseArgs says e.g. "Option '--model <value>' argument missing".
    throw new UsageError((error as Error).message);
  }
}

const BACKENDS = ['wasm', 'cpu', 'tensorflow'] as const;
const SUITES = ['speed', 'speed-browser', 'claims', 'train-demo-models', 'g2p', 'predict'];

/** The suite to run and its options; throws a UsageError for anything else. */
export function parseArguments(argv: string[], cwd = process.cwd()): Arguments {
  const { values, positionals } = parseOrExplain(argv);
  const number = (name: string, value: string | undefined, min: number) => {
    const n = Number(value);
    if (!(n >= min)) throw new UsageError(`${name} must be a number ≥ ${min}, got ${value}`);
    return n;
  };
  if (positionals.length === 0) throw new UsageError('which suite?');
  if (positionals.length > 1)
    throw new UsageError(`one suite at a time, got ${positionals.join(' and ')}`);
  if (!SUITES.includes(positionals[0]!))
    throw new UsageError(`unknown suite '${positionals[0]}'; the suites are ${SUITES.join(', ')}`);
  const backend = values.backend ?? 'wasm';
  if (!(BACKENDS as readonly string[]).includes(backend))
    throw new UsageError(`--backend must be wasm, cpu or tensorflow, got ${backend}`);
  if (values.only === '') throw new UsageError('--only needs a value');
  const args: Arguments = {
    suite: positionals[0]!,
    quick: values.quick ?? false,
    backend: backend as BackendName,
    out: values.out ? resolve(cwd, values.out) : resolve(import.meta.dirname, '..', 'results'),
    beam: values.beam === undefined ? 1 : Math.floor(number('--beam', values.beam, 1)),
  };
  if (values.only !== undefined) args.only = values.only;
  if (values['time-budget'] !== undefined)
    args.timeBudgetMinutes = number('--time-budget', values['time-budget'], 0);
  if (values.model !== undefined) args.model = values.model;
  if (values.threads !== undefined) {
    const threads = number('--threads', values.threads, 1);
    if (!Number.isInteger(threads))
      throw new UsageError(`--threads must be an integer, got ${values.threads}`);
    args.threads = threads;
  }
  if (args.suite === 'predict' && !args.model) throw new UsageError('predict needs --model DIR');
  return args;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
      quick: { type: 'boolean' },
      backend: { type: 'string' },
      out: { type: 'string' },
      only: { type: 'string' },
      'time-budget': { type: 'string' },
      model: { type: 'string' },
      beam: { type: 'string' },
      threads: { type: 'string' },
    },
  });
}
