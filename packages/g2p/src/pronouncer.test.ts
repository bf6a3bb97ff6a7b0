import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/shipped-files';
import { createG2P, type G2P } from './pronouncer';

let g2p: G2P; // CMUdict first
let modelOnly: G2P; // lexicon: false
let tensorsBefore: number;

beforeAll(async () => {
  tensorsBefore = tf.memory().numTensors;
  g2p = await createG2P({ nBest: 3 });
  modelOnly = await createG2P({ lexicon: false });
  await Promise.all([g2p.load(), modelOnly.load()]);
});

afterAll(() => {
  g2p.dispose();
  modelOnly.dispose();
  // Both models' weights are freed: nothing of the pronouncers is left.
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

const pronunciations = async (pronouncer: G2P, text: string) =>
  (await expectNoLeaks(() => pronouncer.pronounce(text))).map((w) => w.pronunciation);

describe('pronounce', () => {
  it('gives "Hello, world!" two words, from CMUdict, with stress', async () => {
    const words = await expectNoLeaks(() => g2p.pronounce('Hello, world!'));
    expect(words).toEqual([
      {
        text: 'Hello',
        start: 0,
        end: 5,
        word: 'hello',
        source: 'lexicon',
        phonemes: ['HH', 'AH0', 'L', 'OW1'],
        pronunciation: 'HH AH0 L OW1',
        stressed: true,
        alternatives: [],
        unknownCharacters: [],
      },
      {
        text: 'world',
        start: 7,
        end: 12,
        word: 'world',
        source: 'lexicon',
        phonemes: ['W', 'ER1', 'L', 'D'],
        pronunciation: 'W ER1 L D',
        stressed: true,
        alternatives: [],
        unknownCharacters: [],
      },
    ]);
  });

  it('gives Zebra, ZEBRA and zebra the same phonemes, from the lexicon and from the model', async () => {
    expect(await pronunciations(g2p, 'Zebra ZEBRA zebra')).toEqual(Array(3).fill('Z IY1 B R AH0'));
    const fromModel = await expectNoLeaks(() => modelOnly.pronounce('Zebra ZEBRA zebra'));
    expect(fromModel.map((w) => w.source)).toEqual(['model', 'model', 'model']);
    expect(new Set(fromModel.map((w) => w.pronunciation)).size).toBe(1);
  });

  it("keeps apostrophes (don't) and splits hyphenated words", async () => {
    expect(await pronunciations(g2p, "Don't stop-the-music")).toEqual([
      'D OW1 N T',
      'S T AA1 P',
      'DH AH0',
      'M Y UW1 Z IH0 K',
    ]);
  });

  it('asks the model for words CMUdict lacks, with n-best alternatives and their probabilities', async () => {
    const [word] = await expectNoLeaks(() => g2p.pronounce('Gatedness'));
    expect(word!.source).toBe('model');
    expect(word!.alternatives).toHaveLength(3);
    expect(word!.alternatives[0]!.phonemes).toEqual(word!.phonemes);
    const probabilities = word!.alternatives.map((a) => a.probability);
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    expect(probabilities.reduce((a, b) => a + b)).toBeLessThanOrEqual(1);
    for (const p of probabilities) expect(p).toBeGreaterThan(0);
  });

  it('with lexicon: false, decodes every word, dictionary words too', async () => {
    const words = await expectNoLeaks(() => modelOnly.pronounce('hello world'));
    expect(words.map((w) => w.source)).toEqual(['model', 'model']);
    // Stress digits exactly when the model was trained with them, and `stressed` says which.
    const { stress } = await modelOnly.load();
    for (const w of words) {
      expect(w.stressed).toBe(stress);
      expect(/\d/.test(w.pronunciation)).toBe(stress);
    }
    expect(words.map((w) => w.alternatives.length)).toEqual([1, 1]);
  });

  it('names characters outside the model’s alphabet and guesses nothing for them', async () => {
    const words = await expectNoLeaks(() => g2p.pronounce('Café au lait costs $5, 42 naïve'));
    const flagged = words.filter((w) => w.source === 'none');
    expect(flagged.map((w) => [w.text, w.unknownCharacters, w.phonemes])).toEqual([
      ['Café', ['é'], []],
      ['$5', ['$', '5'], []],
      ['42', ['4', '2'], []],
      ['naïve', ['ï'], []],
    ]);
    expect(words.filter((w) => w.source === 'lexicon').map((w) => w.text)).toEqual([
      'au',
      'lait',
      'costs',
    ]);
  });

  it('writes IPA, and ARPAbet without stress, per call or for the pronouncer', async () => {
    const ipa = await g2p.pronounce('Hello, world', { alphabet: 'ipa' });
    expect(ipa.map((w) => w.pronunciation)).toEqual(['həlˈoʊ', 'wˈɝld']);
    expect(ipa[0]!.phonemes).toEqual(['h', 'ə', 'l', 'ˈoʊ']);
    const plain = await g2p.pronounce('Hello', { stress: false });
    expect(plain[0]!).toMatchObject({ pronunciation: 'HH AH L OW', stressed: false });
    const ipaPlain = await g2p.pronounce('Hello', { alphabet: 'ipa', stress: false });
    expect(ipaPlain[0]!.pronunciation).toBe('həloʊ');
    const made = await createG2P({ alphabet: 'ipa', stress: false });
    expect((await made.pronounce('world'))[0]!.pronunciation).toBe('wɝld');
    made.dispose();
  });

  it('finds no words in empty text and loads nothing for it', async () => {
    const fresh = await createG2P({ modelUrl: 'file:///nowhere/' });
    expect(await fresh.pronounce(' ...! ')).toEqual([]);
    expect(await fresh.pronounce('hello')).toHaveLength(1); // the lexicon only
    await expect(fresh.pronounce('gatedness')).rejects.toThrow(
      'could not read file:///nowhere/config.json',
    );
    fresh.dispose();
  });
});

describe('pronounceWords', () => {
  const words = ['gatedness', 'Hello', 'zyxt', "o'brien", 'qwerty', 'blorfing', 'gatedness', 'a'];

  it('gives one result per word, the same as one word at a time', async () => {
    const batched = await createG2P({ nBest: 2, batchSize: 3 });
    await batched.load();
    const together = await expectNoLeaks(() => batched.pronounceWords(words));
    expect(together.map((w) => w.text)).toEqual(words);
    for (const [i, word] of words.entries()) {
      const [alone] = await g2p.pronounceWords([word], { nBest: 2 });
      expect(together[i]!.phonemes).toEqual(alone!.phonemes);
      expect(together[i]!.source).toEqual(alone!.source);
      expect(together[i]!.alternatives.map((a) => a.phonemes)).toEqual(
        alone!.alternatives.map((a) => a.phonemes),
      );
      for (const [k, a] of together[i]!.alternatives.entries())
        expect(a.probability).toBeCloseTo(alone!.alternatives[k]!.probability, 5);
    }
    batched.dispose();
  });

  it('matches pronounce word for word', async () => {
    const text = words.join(' ');
    const fromText = await g2p.pronounce(text);
    const fromList = await g2p.pronounceWords(words);
    expect(fromText.map((w) => w.phonemes)).toEqual(fromList.map((w) => w.phonemes));
  });

  it('treats each string as one word: a space in it is named, not split', async () => {
    const [result] = await modelOnly.pronounceWords(['ice cream']);
    expect(result).toMatchObject({ source: 'none', unknownCharacters: [' '], phonemes: [] });
  });
});

describe('bad input', () => {
  it('is refused at the boundary, naming what was expected and what came', async () => {
    await expect(createG2P({ lexcon: false } as never)).rejects.toThrow(
      "createG2P: unknown option 'lexcon'",
    );
    await expect(createG2P({ nBest: 0 })).rejects.toThrow(
      'createG2P: nBest must be an integer in [1, 32], got 0',
    );
    await expect(createG2P({ alphabet: 'sampa' as never })).rejects.toThrow(
      `createG2P: alphabet must be 'arpabet' or 'ipa', got "sampa"`,
    );
    await expect(createG2P({ lexicon: 'no' as never })).rejects.toThrow(
      'createG2P: lexicon must be true or false, got "no"',
    );
    await expect(createG2P({ modelUrl: 5 as never })).rejects.toThrow(
      'createG2P: modelUrl must be a string or a URL, got 5',
    );
    await expect(g2p.pronounce(5 as never)).rejects.toThrow(
      'pronounce: expected a string of text, got number',
    );
    await expect(g2p.pronounce('x', { beamSize: 3 } as never)).rejects.toThrow(
      "pronounce: unknown option 'beamSize'",
    );
    await expect(g2p.pronounceWords(['ok', ''])).rejects.toThrow(
      'pronounceWords: word 1 must be a non-empty string, got ""',
    );
    await expect(g2p.pronounceWords('hello' as never)).rejects.toThrow(
      'pronounceWords: expected an array of words, got string',
    );
  });

  it('a failed model load changes nothing and can be retried', async () => {
    let calls = 0;
    const flaky = await createG2P({
      lexicon: false,
      readFile: async (url) => {
        calls++;
        if (calls <= 2) throw new Error('offline');
        const { readFile } = await import('node:fs/promises');
        return new Uint8Array(await readFile(url));
      },
    });
    const before = tf.memory().numTensors;
    await expect(flaky.pronounce('zebra')).rejects.toThrow(/could not read .*: offline/);
    expect(tf.memory().numTensors).toBe(before);
    expect((await flaky.pronounce('zebra'))[0]!.source).toBe('model');
    flaky.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(flaky.pronounce('zebra')).rejects.toThrow('G2P: this pronouncer was disposed');
  });
});
