import { parseArgs } from 'node:util';
import { MAX_BEAM } from './options';

export const USAGE = `usage: gated-g2p [options] [file ...]

Reads one word, or one line of text, per input line from the files (stdin when there are none,
or for '-') and writes one line per input line, in order:

  input<TAB>phonemes

Phonemes are ARPAbet with stress (HELLO → HH AH0 L OW1); the words of a line are separated
by ' | ' (in IPA by a space). A word with characters the model cannot read is written '?' and
named on stderr, and the exit status is then 1. Words come from CMUdict when it has them, from
the neural model otherwise.

options:
  --no-stress        ARPAbet without stress digits (IPA without ˈ ˌ)
  --ipa              IPA instead of ARPAbet
  --nbest N          the N most probable pronunciations of each line, best first, each
                     followed by its probability: input<TAB>phonemes<TAB>p<TAB>phonemes<TAB>p…
  --beam N           beam width of the model's search (default 1, greedy; at least N of --nbest)
  --no-lexicon       every word from the model, none from CMUdict
  -h, --help         this text
  --version          the version of @gated/g2p`;

/** A mistake in the command line: printed with the usage, exit status 2. */
export class UsageError extends Error {}

export interface CliOptions {
  files: string[];
  stress: boolean;
  ipa: boolean;
  nBest: number;
  beamSize: number;
  lexicon: boolean;
  /** Whether probabilities are written (`--nbest` given). */
  scores: boolean;
}

export type CliCommand = { help: true } | { version: true } | CliOptions;

function count(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_BEAM)
    throw new UsageError(`${name} must be an integer from 1 to ${MAX_BEAM}, got ${value}`);
  return n;
}

/** What the command line asks for; throws a `UsageError` naming the mistake. */
export function parseCommand(argv: string[]): CliCommand {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    // parseArgs says e.g. "Option '--nbest <value>' argument missing".
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (values.version) return { version: true };
  const nBest = values.nbest === undefined ? 1 : count('--nbest', values.nbest);
  const beam = values.beam === undefined ? 1 : count('--beam', values.beam);
  return {
    files: positionals,
    stress: !values['no-stress'],
    ipa: values.ipa ?? false,
    nBest,
    beamSize: Math.max(beam, nBest),
    lexicon: !values['no-lexicon'],
    scores: values.nbest !== undefined,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
      'no-stress': { type: 'boolean' },
      ipa: { type: 'boolean' },
      nbest: { type: 'string' },
      beam: { type: 'string' },
      'no-lexicon': { type: 'boolean' },
    },
  });
}
