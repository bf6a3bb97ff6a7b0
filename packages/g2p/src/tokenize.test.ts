import { describe, expect, it } from 'vitest';
import { normalizeWord, tokenize } from './tokenize';

const words = (text: string) => tokenize(text).map((t) => t.word);

describe('tokenize', () => {
  it('splits on spaces and punctuation, with offsets into the text', () => {
    expect(tokenize('Hello, world!')).toEqual([
      { text: 'Hello', start: 0, end: 5, word: 'hello' },
      { text: 'world', start: 7, end: 12, word: 'world' },
    ]);
    const text = '  "Yes?" (she said)…\tno;maybe.\n';
    for (const t of tokenize(text)) expect(text.slice(t.start, t.end)).toBe(t.text);
    expect(words(text)).toEqual(['yes', 'she', 'said', 'no', 'maybe']);
  });

  it('keeps apostrophes inside words, typographic ones as well, and drops them at the edges', () => {
    expect(words("Don't rock'n'roll")).toEqual(["don't", "rock'n'roll"]);
    expect(words('Don’t DONʼT')).toEqual(["don't", "don't"]);
    expect(words("'cause the dogs' 'quoted'")).toEqual(['cause', 'the', 'dogs', 'quoted']);
    expect(words("it's’")).toEqual(["it's"]);
  });

  it('splits at hyphens, dashes, underscores and slashes', () => {
    expect(words('well-known state‑of—the–art snake_case and/or')).toEqual([
      'well',
      'known',
      'state',
      'of',
      'the',
      'art',
      'snake',
      'case',
      'and',
      'or',
    ]);
  });

  it('ignores case: Zebra, ZEBRA and zebra are one spelling', () => {
    expect(words('Zebra ZEBRA zebra zEbRa')).toEqual(['zebra', 'zebra', 'zebra', 'zebra']);
  });

  it('keeps digits, symbols and other scripts in words, for the alphabet check to name', () => {
    expect(words('café 42 AT&T $5 50% #1 naïve Ωmega 👋')).toEqual([
      'café',
      '42',
      'at&t',
      '$5',
      '50%',
      '#1',
      'naïve',
      'ωmega',
      '👋',
    ]);
    // NFC: an e with a combining accent becomes one é.
    expect(normalizeWord('cafe\u0301')).toBe('café');
  });

  it('finds no words in empty or all-punctuation text, and refuses what is not a string', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize(' ... -- !? ')).toEqual([]);
    expect(() => tokenize(42 as unknown as string)).toThrow(
      'tokenize: expected a string, got number',
    );
  });
});
