import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { characterTokenizer, symbolTokenizer, whitespaceTokenizer } from './tokenizers';
import { BOS_ID, EOS_ID, UNK_ID, Vocab } from './vocab';

describe('Vocab', () => {
  const vocab = Vocab.build([Array.from('hello'), Array.from('help')]);

  it('puts the specials first, then tokens by frequency, then by code point', () => {
    expect(vocab.tokens).toEqual(['<pad>', '<bos>', '<eos>', '<unk>', 'l', 'e', 'h', 'o', 'p']);
    expect(vocab.encode(Array.from('hop'), { bos: true, eos: true })).toEqual([
      BOS_ID,
      6,
      7,
      8,
      EOS_ID,
    ]);
    expect(vocab.decode([BOS_ID, 6, 7, 8, EOS_ID, 4, 0])).toEqual(['h', 'o', 'p']);
    expect(vocab.decode([BOS_ID, 6, EOS_ID], { keepSpecials: true })).toEqual([
      '<bos>',
      'h',
      '<eos>',
    ]);
    expect(() => vocab.decode([6, 99])).toThrow(
      'Vocab.decode: id 99 at position 1 is outside the vocabulary (size 9)',
    );
  });

  it('honours minFrequency and maxSize', () => {
    expect(Vocab.build([Array.from('aaabbc')], { minFrequency: 2 }).tokens.slice(4)).toEqual([
      'a',
      'b',
    ]);
    expect(Vocab.build([Array.from('aaabbc')], { maxSize: 5 }).tokens.slice(4)).toEqual(['a']);
  });

  it('round-trips through JSON', () => {
    expect(Vocab.fromJSON(JSON.stringify(vocab.toJSON())).tokens).toEqual(vocab.tokens);
  });

  it.each([
    ['{"format":', 'Vocab.fromJSON: not valid JSON'],
    ['[1, 2]', 'expected an object with format, version and tokens, got an array'],
    ['{"format":"other","version":1,"tokens":[]}', 'format must be "gated-vocab", got "other"'],
    ['{"format":"gated-vocab","version":2,"tokens":[]}', 'version 2 is not supported (expected 1)'],
    [
      '{"format":"gated-vocab","version":1,"tokens":"abc"}',
      'tokens must be an array of strings, got string',
    ],
    [
      '{"format":"gated-vocab","version":1,"tokens":["<pad>","<bos>","<eos>","<unk>",7]}',
      'tokens[4] must be a non-empty string, got 7',
    ],
    [
      '{"format":"gated-vocab","version":1,"tokens":["<pad>","<eos>","<bos>","<unk>"]}',
      'tokens[1] must be <bos>, got "<eos>"',
    ],
    [
      '{"format":"gated-vocab","version":1,"tokens":["<pad>","<bos>","<eos>","<unk>","a","b","a"]}',
      'token "a" appears twice (again at 6)',
    ],
  ])('refuses malformed JSON %s', (json, message) => {
    expect(() => Vocab.fromJSON(json)).toThrow(message);
  });

  it('encodes any Unicode string, mapping unknown symbols to <unk> (property test)', () => {
    const known = Vocab.build([Array.from('abc日本語😀')]);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const tokens = characterTokenizer.tokenize(text);
        const ids = known.encode(tokens);
        expect(ids).toHaveLength(tokens.length);
        for (const [i, token] of tokens.entries()) {
          const isKnown = known.tokens.includes(token) && !token.startsWith('<');
          expect(ids[i]).toBe(isKnown ? known.tokens.indexOf(token) : UNK_ID);
        }
      }),
      { numRuns: 500, seed: 42 },
    );
  });
});

describe('tokenizers (property tests over any Unicode string)', () => {
  it('characters: one token per code point, and back exactly', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const tokens = characterTokenizer.tokenize(text);
        expect(characterTokenizer.detokenize(tokens)).toBe(text);
        expect(tokens.every((t) => t.length > 0 && [...t].length === 1)).toBe(true);
      }),
      { numRuns: 500, seed: 42 },
    );
    expect(characterTokenizer.tokenize('a😀b')).toEqual(['a', '😀', 'b']);
  });

  it('words and symbols: no empty tokens, no whitespace inside, stable after one round trip', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        for (const tokenizer of [whitespaceTokenizer, symbolTokenizer]) {
          const tokens = tokenizer.tokenize(text);
          expect(tokens.every((t) => t.length > 0)).toBe(true);
          expect(tokenizer.tokenize(tokenizer.detokenize(tokens))).toEqual(tokens);
        }
        expect(whitespaceTokenizer.tokenize(text).every((t) => !/\s/u.test(t))).toBe(true);
      }),
      { numRuns: 500, seed: 42 },
    );
    expect(symbolTokenizer.tokenize('HH AH0  L OW1')).toEqual(['HH', 'AH0', 'L', 'OW1']);
    expect(whitespaceTokenizer.tokenize(' the\tclouds\nare ')).toEqual(['the', 'clouds', 'are']);
  });
});
