/** Text ↔ tokens. `detokenize(tokenize(text))` gives the text back (up to whitespace, for words). */
export interface Tokenizer {
  readonly name: string;
  /** Splits `text` into tokens. */
  tokenize(text: string): string[];
  /** Joins `tokens` back into text. */
  detokenize(tokens: readonly string[]): string;
}

/** One token per Unicode code point (so an emoji or a CJK character is one token, not two halves). */
export const characterTokenizer: Tokenizer = {
  name: 'characters',
  tokenize: (text) => Array.from(text),
  detokenize: (tokens) => tokens.join(''),
};

/** Words separated by any Unicode whitespace; joined back with single spaces. */
export const whitespaceTokenizer: Tokenizer = {
  name: 'words',
  tokenize: (text) => text.split(/\s+/u).filter((t) => t.length > 0),
  detokenize: (tokens) => tokens.join(' '),
};

/** Space-separated symbols, such as ARPAbet phonemes `HH AH0 L OW1`; joined back with spaces. */
export const symbolTokenizer: Tokenizer = {
  name: 'symbols',
  tokenize: (text) => text.split(' ').filter((t) => t.length > 0),
  detokenize: (tokens) => tokens.join(' '),
};
