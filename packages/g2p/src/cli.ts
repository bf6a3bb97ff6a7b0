#!/usr/bin/env node
/**
 * gated-g2p: one word or line of text per input line → `input<TAB>phonemes` (see USAGE).
 * Lines are decoded in batches of whatever has arrived, so a file goes through the batched
 * model and a line typed at a terminal is answered at once.
 */
import { accessSync, constants, createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import * as tf from '@tensorflow/tfjs-core';
import { type CliOptions, parseCommand, USAGE, UsageError } from './cli-arguments';
import { lineAlternatives } from './line-alternatives';
import { createG2P, type G2P } from './pronouncer';
import { tokenize } from './tokenize';

const BATCH_LINES = 1024;

/** The fastest backend installed: tfjs-backend-wasm, else tfjs-backend-cpu. */
async function useBackend(): Promise<void> {
  // tfjs's advice to install tfjs-node would land in every run's stderr.
  tf.env().set('PROD', true);
  for (const [name, module] of [
    ['wasm', '@tensorflow/tfjs-backend-wasm'],
    ['cpu', '@tensorflow/tfjs-backend-cpu'],
  ] as const) {
    try {
      await import(module);
    } catch {
      continue;
    }
    if (await tf.setBackend(name)) return;
  }
  throw new Error(
    'no TensorFlow.js backend is installed: npm install @tensorflow/tfjs-backend-wasm (or @tensorflow/tfjs-backend-cpu)',
  );
}

/** Output lines for input lines, in order; names the words it could not read in `problems`. */
async function pronounceLines(
  g2p: G2P,
  lines: string[],
  options: CliOptions,
  where: (index: number) => string,
  problems: string[],
): Promise<string> {
  const tokens = lines.map((line) => tokenize(line));
  const words = await g2p.pronounceWords(
    tokens.flat().map((t) => t.text),
    { alphabet: options.ipa ? 'ipa' : 'arpabet', stress: options.stress, nBest: options.nBest },
  );
  const separator = options.ipa ? ' ' : ' | ';
  let next = 0;
  return lines
    .map((line, i) => {
      const mine = words.slice(next, next + tokens[i]!.length);
      next += tokens[i]!.length;
      for (const w of mine.filter((w) => w.source === 'none'))
        problems.push(
          `${where(i)}: ${JSON.stringify(w.text)} has characters the model cannot read: ${w.unknownCharacters
            .map(
              (c) =>
                `${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`,
            )
            .join(', ')}`,
        );
      const columns = lineAlternatives(mine, options.nBest).flatMap((a) => {
        const text = a.words.join(separator);
        return options.scores ? [text, a.probability.toPrecision(4)] : [text];
      });
      return `${[line, ...columns].join('\t')}\n`;
    })
    .join('');
}

async function write(text: string): Promise<void> {
  if (!process.stdout.write(text))
    await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
}

/** Every line of `input`, handed over in batches of what has arrived. */
async function* lineBatches(input: Readable): AsyncGenerator<string[]> {
  const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const queue: string[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  reader.on('line', (line) => {
    queue.push(line);
    if (queue.length >= 4 * BATCH_LINES) reader.pause();
    wake?.();
  });
  reader.on('close', () => {
    closed = true;
    wake?.();
  });
  while (!closed || queue.length > 0) {
    // Let what is already buffered arrive first, so a batch is as large as the input allows.
    await new Promise((resolve) => setImmediate(resolve));
    if (queue.length === 0) {
      if (!closed) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      continue;
    }
    const batch = queue.splice(0, BATCH_LINES);
    reader.resume();
    yield batch;
  }
}

async function run(options: CliOptions): Promise<number> {
  const files = options.files.length > 0 ? options.files : ['-'];
  for (const file of files) {
    if (file === '-') continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (error) {
      throw new Error(`cannot read ${file}: ${(error as Error).message}`);
    }
  }
  await useBackend();
  const g2p = await createG2P({
    lexicon: options.lexicon,
    nBest: options.nBest,
    beamSize: options.beamSize,
  });
  const problems: string[] = [];
  try {
    for (const file of files) {
      const name = file === '-' ? 'stdin' : file;
      let lineNumber = 0;
      for await (const lines of lineBatches(
        file === '-' ? process.stdin : createReadStream(file),
      )) {
        const first = lineNumber;
        lineNumber += lines.length;
        await write(
          await pronounceLines(g2p, lines, options, (i) => `${name}:${first + i + 1}`, problems),
        );
      }
    }
  } finally {
    g2p.dispose();
  }
  for (const problem of problems) console.error(`gated-g2p: ${problem}`);
  return problems.length === 0 ? 0 : 1;
}

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
    return await run(command);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`gated-g2p: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`gated-g2p: ${(error as Error).message}`);
    return 1;
  }
}

// A reader that stops early (`gated-g2p words.txt | head`) closes the pipe: that is no error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});
process.exitCode = await main(process.argv.slice(2));
