import { describe, expect, it } from 'vitest';
import { type ChrfOptions, corpusChrf, sentenceChrf } from './chrf';

// Reference values: sacreBLEU's test/test_chrf.py (github.com/mjpost/sacrebleu, 2.6.0, commit
// f615c72), compared to its EPSILON of 1e-4; its README ("chrF2 = 59.73", 2 decimals as printed);
// and the chrF(++) metric card of Hugging Face datasets (metrics/chrf/README.md), whose examples
// are sacreBLEU's CHRF run with per-prediction references, compared to 1e-8 as its 14-digit
// values allow.

/** One reference stream, as test_chrf.py passes it: `[references]`, one reference per hypothesis. */
const oneEach = (references: string[]) => references.map((r) => [r]);
const corpus = (h: string[], r: string[], options: ChrfOptions) =>
  corpusChrf(h, oneEach(r), options).score;

describe('corpusChrf matches sacreBLEU (test_chrf.py, to 1e-4)', () => {
  const beta3 = { charOrder: 6, wordOrder: 0, beta: 3 };
  it.each<[string[], string[], number]>([
    [['abcdefg'], ['hijklmnop'], 0],
    [['a'], ['b'], 0],
    [[''], ['b'], 0],
    [[''], ['ref'], 0],
    [[''], ['reference'], 0],
    [['aa'], ['ab'], 8.3333],
    [['a', 'b'], ['a', 'c'], 8.3333],
    [['a'], ['a'], 16.6667],
    [['a b c'], ['a b c'], 50],
    [['a b c'], ['abc'], 50],
    [
      [
        ' risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .',
      ],
      [
        'risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .',
      ],
      63.36173,
    ],
    [
      [' Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. '],
      ['Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.'],
      64.1302698,
    ],
    [
      ['Niemand hat die Absicht, eine Mauer zu errichten'],
      ['Niemand hat die Absicht, eine Mauer zu errichten'],
      100,
    ],
  ])('ε-smoothing: %j vs %j → %d', (h, r, expected) => {
    expect(Math.abs(corpus(h, r, { ...beta3, epsSmoothing: true }) - expected)).toBeLessThan(1e-4);
  });

  it.each<[string[], string[], number]>([
    [['a'], ['a'], 100],
    [[''], ['reference'], 0],
    [['a b c'], ['a b c'], 100],
    [['a b c'], ['abc'], 100],
    [[''], ['c'], 0],
    [['a', 'b'], ['a', 'c'], 50],
    [['aa'], ['ab'], 25],
  ])('effective order (the default): %j vs %j → %d', (h, r, expected) => {
    expect(Math.abs(corpus(h, r, beta3) - expected)).toBeLessThan(1e-4);
  });

  it.each<[string, string, number]>([
    [
      'Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.',
      'Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.',
      67.3481606,
    ],
    [
      'risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .',
      'risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .',
      65.2414427,
    ],
  ])('whitespace kept: %j → %d', (h, r, expected) => {
    expect(Math.abs(corpus([h], [r], { ...beta3, whitespace: true }) - expected)).toBeLessThan(
      1e-4,
    );
  });

  it.each<[string, string, number]>([
    [
      'Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.',
      'Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.',
      39.14078509,
    ],
    [
      'Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.',
      'A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.',
      31.22557079,
    ],
    [
      'Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.',
      'Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.',
      57.15704367,
    ],
  ])('sentenceChrf with ε-smoothing (chrF2): %j → %d', (h, r, expected) => {
    expect(Math.abs(sentenceChrf(h, [r], { epsSmoothing: true }).score - expected)).toBeLessThan(
      1e-4,
    );
  });
});

describe('corpusChrf with several references and chrF++', () => {
  it("sacreBLEU's README: chrF2 = 59.73 on its two-reference example", () => {
    const references = [
      ['The dog bit the man.', 'The dog had bit the man.'],
      ['It was not unexpected.', 'No one was surprised.'],
      ['The man bit him first.', 'The man had bitten the dog.'],
    ];
    const hyps = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
    const score = corpusChrf(hyps, references);
    expect(score.name).toBe('chrF2');
    expect(score.score.toFixed(2)).toBe('59.73');
  });

  const predictions = [
    'The relationship between cats and dogs is not exactly friendly.',
    'a good bookshop is just a genteel black hole that knows how to read.',
  ];
  const references = [
    ['The relationship between dogs and cats is not exactly friendly.'],
    ['A good bookshop is just a genteel Black Hole that knows how to read.'],
  ];
  it.each<[ChrfOptions, string, number]>([
    [{}, 'chrF2', 84.64214891738334],
    [{ wordOrder: 2 }, 'chrF2++', 82.87263732906315],
    [{ wordOrder: 2, lowercase: true }, 'chrF2++', 92.12853119829202],
  ])('the metric card: %j → %s %d', (options, name, expected) => {
    const score = corpusChrf(predictions, references, options);
    expect(score.name).toBe(name);
    expect(Math.abs(score.score - expected)).toBeLessThan(1e-8);
  });

  it('the best reference is chosen per hypothesis, so an added worse reference changes nothing', () => {
    const one = corpusChrf(predictions, references, { wordOrder: 2 }).score;
    const more = corpusChrf(
      predictions,
      references.map((r) => [...r, 'something else entirely']),
      { wordOrder: 2 },
    ).score;
    expect(more).toBe(one);
  });
});

describe('bad input is refused at the boundary', () => {
  it.each<[string, () => unknown, RegExp]>([
    [
      'lengths differ',
      () => corpusChrf(['a'], [['a'], ['b']]),
      /one entry per hypothesis \(1\), got 2/,
    ],
    [
      'a reference not a string',
      () => corpusChrf(['a'], [[null]] as never),
      /references\[0\]\[0\] must be a string, got null/,
    ],
    [
      'beta 0',
      () => corpusChrf(['a'], [['a']], { beta: 0 }),
      /beta must be a finite number > 0, got number 0/,
    ],
    [
      'charOrder 1.5',
      () => sentenceChrf('a', ['a'], { charOrder: 1.5 }),
      /charOrder must be an integer ≥ 1, got number 1.5/,
    ],
    [
      'an unknown option',
      () => sentenceChrf('a', ['a'], { wordOrders: 2 } as never),
      /unknown option 'wordOrders'/,
    ],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});
