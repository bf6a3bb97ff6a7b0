/**
 * The CMU Pronouncing Dictionary (cmudict, 134,000+ words; licence in LICENSE-CMUDICT), through
 * the npm package `cmu-pronouncing-dictionary`, imported on first use: a page that never looks a
 * word up never downloads it.
 */
import { parsePhoneme } from './arpabet';

/** Words → one pronunciation each, ARPAbet with stress. */
export interface Lexicon {
  /** `hello` → `['HH', 'AH0', 'L', 'OW1']`; `undefined` for a word it does not have. */
  lookup(word: string): string[] | undefined;
  /** How many spellings it knows (alternates like `read(2)` not counted). */
  readonly size: number;
}

/**
 * A lexicon over `{ word: "PH ON EMES" }` as `cmu-pronouncing-dictionary` exports it. Of several
 * pronunciations (`read`, `read(2)`) it gives the first, the one CMUdict lists first; a comment
 * after `#` is dropped. Nothing is copied: each lookup reads the object.
 */
export function cmudictLexicon(dictionary: Readonly<Record<string, string>>): Lexicon {
  if (dictionary === null || typeof dictionary !== 'object')
    throw new Error(`cmudictLexicon: expected { word: pronunciation }, got ${dictionary}`);
  let size: number | undefined;
  return {
    lookup(word) {
      // hasOwn: `constructor` or `__proto__` is a word to look up, not the object's machinery.
      if (!Object.hasOwn(dictionary, word)) return undefined;
      const entry = dictionary[word];
      if (typeof entry !== 'string') return undefined;
      const phonemes = entry.split('#')[0]!.trim().split(/\s+/).filter(Boolean);
      if (phonemes.length === 0) return undefined;
      for (const p of phonemes) parsePhoneme(p); // a damaged entry fails loudly, not as garbage
      return phonemes;
    },
    get size() {
      size ??= Object.keys(dictionary).filter((key) => !/\(\d+\)$/.test(key)).length;
      return size;
    },
  };
}

let cmudict: Promise<Lexicon> | undefined;

/** CMUdict from `cmu-pronouncing-dictionary`, imported once, on the first call. */
export function loadCmudict(): Promise<Lexicon> {
  cmudict ??= import('cmu-pronouncing-dictionary').then(
    (module) => cmudictLexicon(module.dictionary),
    (error: Error) => {
      cmudict = undefined; // a failed import may be retried
      throw new Error(
        `@gated/g2p: could not load the CMUdict lexicon (cmu-pronouncing-dictionary): ${error.message}`,
      );
    },
  );
  return cmudict;
}
