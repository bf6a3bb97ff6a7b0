import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ipaToArpabet } from './ipa-arpabet';

type Phonemize = (text: string, language?: string) => Promise<string[]>;

/** Where the bench looks for the `phonemizer` package (espeak-ng in WebAssembly). */
export function phonemizerFolder(): string {
  return (
    process.env.PHONEMIZER ?? join(homedir(), '.cache', 'gated-peers', 'node_modules', 'phonemizer')
  );
}

/**
 * The `phonemizer` npm package, installed on the side like onnxruntime-node (GPL-3 espeak-ng
 * data inside, so it is not a workspace dependency): at `PHONEMIZER` (its package folder), else
 * in `~/.cache/gated-peers`. Resolved through its own exports map.
 */
export function loadPhonemizer(): { phonemize: Phonemize; version: string } | { note: string } {
  const folder = phonemizerFolder();
  const manifest = join(folder, 'package.json');
  if (!existsSync(manifest))
    return {
      note: `phonemizer not found at ${folder}: npm install --prefix ~/.cache/gated-peers phonemizer@1.2.1, or set PHONEMIZER to its folder`,
    };
  const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  const require = createRequire(join(dirname(dirname(folder)), 'resolve-from-here.js'));
  const module = require('phonemizer') as { phonemize: Phonemize };
  return { phonemize: module.phonemize, version };
}

export interface PhonemizerRun {
  version: string;
  /** `[words][phonemes]` ARPAbet with stress, mapped from espeak's IPA. */
  predictions: string[][];
  /** espeak's IPA for each word, as printed. */
  ipa: string[];
  /** IPA characters the mapping did not know, with their counts. */
  unknown: Record<string, number>;
  /** The first call (loads the wasm module and the voice), ms. */
  coldStartMs: number;
  /** Median ms of one word, after the first. */
  msPerWord: number;
}

/** Each word through `phonemize(word, 'en-us')` alone (joined text would change its stress). */
export async function runPhonemizer(
  phonemize: Phonemize,
  version: string,
  words: readonly string[],
): Promise<PhonemizerRun> {
  const started = performance.now();
  await phonemize(words[0] ?? 'hello', 'en-us');
  const coldStartMs = performance.now() - started;
  const ipa: string[] = [];
  const times: number[] = [];
  for (const word of words) {
    const t = performance.now();
    const out = await phonemize(word, 'en-us');
    times.push(performance.now() - t);
    ipa.push(out.join(' '));
  }
  const unknown: Record<string, number> = {};
  const predictions = ipa.map((text) => {
    const mapped = ipaToArpabet(text);
    for (const c of mapped.unknown) unknown[c] = (unknown[c] ?? 0) + 1;
    return mapped.phonemes;
  });
  times.sort((a, b) => a - b);
  return {
    version,
    predictions,
    ipa,
    unknown,
    coldStartMs,
    msPerWord: times[Math.floor(times.length / 2)] ?? 0,
  };
}
