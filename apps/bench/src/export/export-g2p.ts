/**
 * `export-g2p --out FILE`: the bench's CMUdict G2P split as a TSV, for training elsewhere (the
 * PyTorch twin's `python/train_g2p.py`): one line per (word, pronunciation) pair,
 *   split<TAB>word<TAB>phonemes        train	abbey	AE B IY
 * splits `train`, `dev`, `test` as `@gated/datasets`' `cmudictG2P` makes them (stress stripped,
 * or kept with `--stress`: `AE1 B IY0`), words in its order, a word's pronunciations in CMUdict's
 * order.
 */
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cmudictG2P, type G2PSplit } from '@gated/datasets';
import { writeResult } from '../results';

export const EXPORT_USAGE = `usage: pnpm bench:export-g2p --out FILE [--stress]

  --out FILE     where the TSV goes (split, word, phonemes per line)
  --stress       keep CMUdict's stress digits (AH0, OW1), as @gated/g2p's model writes them
  -h, --help     this text`;

/** The TSV text of a split: `split\tword\tphonemes` lines, train, then dev, then test. */
export function g2pTsv(split: G2PSplit): string {
  const lines: string[] = [];
  for (const name of ['train', 'dev', 'test'] as const)
    for (const entry of split[name])
      for (const phonemes of entry.pronunciations)
        lines.push(`${name}\t${entry.graphemes.join('')}\t${phonemes.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

/** Exports CMUdict's split to `out`; returns the number of lines per split. */
export async function exportG2P(
  out: string,
  options: { keepStress?: boolean } = {},
): Promise<Record<string, number>> {
  const { dictionary } = await import('cmu-pronouncing-dictionary');
  const split = cmudictG2P(dictionary, { keepStress: options.keepStress ?? false });
  writeResult(dirname(out), basename(out), g2pTsv(split));
  const count = (name: keyof G2PSplit) =>
    split[name].reduce((sum, entry) => sum + entry.pronunciations.length, 0);
  return { train: count('train'), dev: count('dev'), test: count('test') };
}

/** The command: 0 done (or --help), 2 a usage error, 1 a failure. */
export async function main(argv: string[]): Promise<number> {
  let out: string | undefined;
  let keepStress = false;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        stress: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(EXPORT_USAGE);
      return 0;
    }
    if (positionals.length > 0) throw new Error(`unexpected argument '${positionals[0]}'`);
    if (!values.out) throw new Error('export-g2p needs --out FILE');
    out = resolve(process.env.INIT_CWD ?? process.cwd(), values.out);
    keepStress = values.stress ?? false;
  } catch (error) {
    console.error(`export-g2p: ${(error as Error).message}\n\n${EXPORT_USAGE}`);
    return 2;
  }
  try {
    const counts = await exportG2P(out, { keepStress });
    console.error(
      `wrote ${out}: ${counts.train} train, ${counts.dev} dev, ${counts.test} test lines`,
    );
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`)
  process.exitCode = await main(process.argv.slice(2));
