import { dictionary } from 'cmu-pronouncing-dictionary';
import { describe, expect, it } from 'vitest';
import { cmudictG2P, loadCmudictG2P } from './cmudict';
import { fnv1a32, hashSplit } from './fnv1a';

describe('FNV-1a 32', () => {
  it('matches the published test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });
});

describe('CMUdict G2P', () => {
  const split = cmudictG2P(dictionary);
  const all = [...split.train, ...split.dev, ...split.test];

  it('splits by hash into disjoint train/dev/test of about 85/5/10 percent', () => {
    const sizes = {
      train: split.train.length,
      dev: split.dev.length,
      test: split.test.length,
      total: all.length,
    };
    console.log('CMUdict G2P split sizes:', sizes);
    expect(new Set(all.map((e) => e.word)).size).toBe(all.length);
    expect(all.length).toBeGreaterThan(120_000);
    expect(sizes.test / sizes.total).toBeCloseTo(0.1, 2);
    expect(sizes.dev / sizes.total).toBeCloseTo(0.05, 2);
    for (const [name, entries] of Object.entries(split)) {
      for (const e of entries.slice(0, 500)) expect(hashSplit(e.word)).toBe(name);
    }
    expect(cmudictG2P(dictionary).test.map((e) => e.word)).toEqual(split.test.map((e) => e.word));
  });

  it('keeps lower-case alphabetic words with apostrophes, merges alternates, strips stress', () => {
    const find = (word: string) => all.find((e) => e.word === word);
    expect(find('hello')).toEqual({
      word: 'hello',
      graphemes: ['h', 'e', 'l', 'l', 'o'],
      pronunciations: [
        ['HH', 'AH', 'L', 'OW'],
        ['HH', 'EH', 'L', 'OW'],
      ],
    });
    expect(find('read')!.pronunciations).toEqual([
      ['R', 'EH', 'D'],
      ['R', 'IY', 'D'],
    ]);
    expect(find("'bout")!.graphemes).toEqual(["'", 'b', 'o', 'u', 't']);
    expect(find('a.m.')).toBeUndefined();
    expect(find('aalborg')!.pronunciations).toContainEqual(['AO', 'L', 'B', 'AO', 'R', 'G']); // "# place, danish" dropped
    expect(all.every((e) => /^[a-z']+$/.test(e.word))).toBe(true);
    expect(all.every((e) => e.pronunciations.flat().every((p) => /^[A-Z]+$/.test(p)))).toBe(true);
    expect(all.filter((e) => e.pronunciations.length > 1).length).toBeGreaterThan(5000);
  });

  it('keeps stress digits on request, and loads the package itself', async () => {
    const stressed = cmudictG2P(
      { hello: 'HH AH0 L OW1', 'hello(2)': 'HH EH0 L OW1', 'u.s.': 'Y UW1 EH1 S' },
      { keepStress: true },
    );
    expect([...stressed.train, ...stressed.dev, ...stressed.test]).toEqual([
      {
        word: 'hello',
        graphemes: Array.from('hello'),
        pronunciations: [
          ['HH', 'AH0', 'L', 'OW1'],
          ['HH', 'EH0', 'L', 'OW1'],
        ],
      },
    ]);
    expect((await loadCmudictG2P()).test.length).toBe(split.test.length);
  });

  it('lower-cases words, merging `Zebra`, `ZEBRA(2)` and `zebra` into one entry', () => {
    const merged = cmudictG2P(
      { Zebra: 'Z IY1 B R AH0', 'ZEBRA(2)': 'Z EH1 B R AH0', zebra: 'Z IY1 B R AH0' },
      { keepStress: true },
    );
    expect([...merged.train, ...merged.dev, ...merged.test]).toEqual([
      {
        word: 'zebra',
        graphemes: Array.from('zebra'),
        pronunciations: [
          ['Z', 'IY1', 'B', 'R', 'AH0'],
          ['Z', 'EH1', 'B', 'R', 'AH0'],
        ],
      },
    ]);
    // The package's own keys are lower-case already: the split is unchanged by lower-casing.
    expect(all.every((e) => e.word === e.word.toLowerCase())).toBe(true);
  });
});
