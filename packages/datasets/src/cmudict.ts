import { hashSplit } from './fnv1a';

/** One word and every pronunciation CMUdict gives it (`read` → `R IY D` and `R EH D`). */
export interface G2PEntry {
  word: string;
  /** The word's letters (and apostrophes), one token each. */
  graphemes: string[];
  /** One or more references, each a list of ARPAbet phonemes. */
  pronunciations: string[][];
}

/** The CMUdict words split by a hash of the word: train (85%), dev (5%) and test (10%). */
export interface G2PSplit {
  train: G2PEntry[];
  dev: G2PEntry[];
  test: G2PEntry[];
}

/** Options of `cmudictG2P` and `loadCmudictG2P`. */
export interface CmudictOptions {
  /** Keep the stress digits (`AH0`, `OW1`). Default `false`: the published G2P results strip them. */
  keepStress?: boolean;
}

const WORD = /^[a-z']+$/;
const ALTERNATE = /^(.+)\((\d+)\)$/;

/**
 * CMUdict as a grapheme-to-phoneme dataset: alphabetic words, lower-cased (so `Zebra` and
 * `zebra` are one entry with the graphemes `z e b r a`; apostrophes allowed;
 * abbreviations with dots and words with digits left out; comments after `#` dropped), alternates `word(2)` merged into one
 * entry with several references, stress stripped by default, and split by FNV-1a 32 of the word
 * mod 100 — 0–9 test, 10–14 dev, the rest train — so anyone can rebuild the same split.
 *
 * @param dictionary `{ word: "PH ON EMES" }`, as the npm package `cmu-pronouncing-dictionary`
 *   exports it: `import { dictionary } from 'cmu-pronouncing-dictionary'`
 */
export function cmudictG2P(
  dictionary: Readonly<Record<string, string>>,
  options: CmudictOptions = {},
): G2PSplit {
  if (dictionary === null || typeof dictionary !== 'object')
    throw new Error(
      `cmudictG2P: expected the dictionary object { word: pronunciation }, got ${dictionary}`,
    );
  const merged = new Map<string, string[][]>();
  for (const [key, pronunciation] of Object.entries(dictionary)) {
    const lower = key.toLowerCase();
    const word = ALTERNATE.exec(lower)?.[1] ?? lower;
    if (!WORD.test(word) || typeof pronunciation !== 'string') continue;
    // A few entries carry a comment: "AO1 L B AO0 R G # place, danish".
    const text = pronunciation.split('#')[0]!.trim();
    if (text.length === 0) continue;
    const phonemes = text
      .split(/\s+/)
      .map((p) => (options.keepStress ? p : p.replace(/[012]$/, '')));
    const references = merged.get(word) ?? [];
    if (!references.some((r) => r.join(' ') === phonemes.join(' '))) references.push(phonemes);
    merged.set(word, references);
  }
  const split: G2PSplit = { train: [], dev: [], test: [] };
  for (const word of [...merged.keys()].sort()) {
    split[hashSplit(word)].push({
      word,
      graphemes: Array.from(word),
      pronunciations: merged.get(word)!,
    });
  }
  return split;
}

/** `cmudictG2P` over the `cmu-pronouncing-dictionary` package, imported on first use. */
export async function loadCmudictG2P(options: CmudictOptions = {}): Promise<G2PSplit> {
  let module: { dictionary: Record<string, string> };
  try {
    module = await import('cmu-pronouncing-dictionary');
  } catch {
    throw new Error(
      'loadCmudictG2P: install the dictionary first: npm install cmu-pronouncing-dictionary',
    );
  }
  return cmudictG2P(module.dictionary, options);
}
