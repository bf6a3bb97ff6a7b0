/** One word of a text, where it stands, and the spelling that is looked up. */
export interface WordToken {
  /** The word as written: `Don’t`. */
  text: string;
  /** Offsets in the text (UTF-16 code units, as `String.prototype.slice` takes them): `text.slice(start, end)`. */
  start: number;
  end: number;
  /** What is looked up and decoded: NFC, lower case, `’` and `ʼ` as `'`: `don't`. */
  word: string;
}

// A word is a run of anything but white space and the punctuation that separates words: brackets,
// quotes, dashes and hyphens (so `well-known` is two words), underscores, . , ; : ! ? … / \ and
// the like. An apostrophe (', ’ or ʼ) between two word characters belongs to the word (don't,
// rock'n'roll), one at either end does not ('cause, dogs'). Everything else stays in words —
// digits, symbols, & # % @, letters of any script — so the model's alphabet check can name them
// rather than letting them vanish.
const CHARACTER = String.raw`[^\s\p{Pd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}\p{Pc}.,;:!?"'…/\\¡¿·‧ʼ]`;
const WORD = new RegExp(`${CHARACTER}+(?:['’ʼ]${CHARACTER}+)*`, 'gu');

/** The spelling a word is looked up by: NFC, lower-cased, its apostrophes written `'`. */
export function normalizeWord(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/[’ʼ]/g, "'");
}

/**
 * The words of a text, in order: `Hello, world!` → `Hello`, `world`.
 * @param text any string; an empty or all-punctuation text has no words
 */
export function tokenize(text: string): WordToken[] {
  if (typeof text !== 'string')
    throw new Error(`tokenize: expected a string, got ${text === null ? 'null' : typeof text}`);
  const words: WordToken[] = [];
  for (const match of text.matchAll(WORD)) {
    const start = match.index;
    words.push({
      text: match[0],
      start,
      end: start + match[0].length,
      word: normalizeWord(match[0]),
    });
  }
  return words;
}
