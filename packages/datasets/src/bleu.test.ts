import { describe, expect, it } from 'vitest';
import {
  type BleuOptions,
  type BleuSmoothing,
  bleuFromStatistics,
  corpusBleu,
  sentenceBleu,
} from './bleu';
import { tokenizeForBleu } from './bleu-tokenizers';

// Reference values: sacreBLEU's own tests and README (github.com/mjpost/sacrebleu, 2.6.0, commit
// f615c72): test/test_bleu.py, test/test_sentence_bleu.py and README.md "Using SacreBLEU from
// Python". Tolerances are the ones those tests use: 1e-8 for test_bleu.py, 1e-3 for
// test_sentence_bleu.py; README values are compared as sacreBLEU prints them (2 decimals).

// sacreBLEU's README example. sacreBLEU takes one stream per reference; ours is per hypothesis.
const streams = [
  ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
  ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
];
const hyps = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
const perHypothesis = (s: string[][]) => s[0]!.map((_, i) => s.map((stream) => stream[i]!));
const refs = perHypothesis(streams);

/** sacreBLEU's `raw_corpus_bleu`: no tokenization, floor smoothing, effective order; as a share. */
const raw = (h: string[], r: string[][], smoothValue = 0.1) =>
  corpusBleu(h, perHypothesis(r), {
    tokenize: 'none',
    smoothing: 'floor',
    smoothValue,
    effectiveOrder: true,
  }).score / 100;

describe('corpusBleu matches sacreBLEU (test_bleu.py, to 1e-8)', () => {
  it.each<[string, string[], BleuOptions, number]>([
    ['default settings (13a, exp)', hyps, {}, 48.530827],
    ['empty hypotheses are scored, not dropped', ['', '', ''], {}, 0],
    ['tokenize none', hyps, { tokenize: 'none' }, 49.1919566],
    ['tokenize 13a', hyps, { tokenize: '13a' }, 48.530827],
    ['tokenize intl', hyps, { tokenize: 'intl' }, 43.91623493],
    ['smoothing none', hyps, { smoothing: 'none' }, 48.530827],
  ])('%s', (_, h, options, expected) => {
    expect(Math.abs(corpusBleu(h, refs, options).score - expected)).toBeLessThan(1e-8);
  });

  it('raw corpus BLEU (floor 0.01, no tokenization, effective order)', () => {
    expect(raw(['this is a test', 'another test'], [['ref1', 'ref2']], 0.01)).toBe(0);
    expect(Math.abs(raw(['this is a test'], [['this is a test']], 0.01) - 1)).toBeLessThan(1e-8);
    expect(
      Math.abs(raw(['this is a fest'], [['this is a test']], 0.01) - 0.223606797749979),
    ).toBeLessThan(1e-8);
  });

  it('effective order', () => {
    expect(Math.abs(raw(['test'], [['a test']], 0.01) - 0.3678794411714425)).toBeLessThan(1e-8);
    expect(Math.abs(raw(['a test'], [['a test']], 0.01) - 1)).toBeLessThan(1e-8);
    expect(Math.abs(raw(['a little test'], [['a test']], 0.01) - 0.03218297948685433)).toBeLessThan(
      1e-8,
    );
  });

  it('statistics and the floor offset', () => {
    const h = ['am I am a character sequence'];
    const r = [['I am a symbol string sequence a a']];
    const score = corpusBleu(h, perHypothesis(r), { tokenize: 'none', smoothing: 'floor' });
    expect(score.matches).toEqual([4, 2, 1, 0]);
    expect(score.totals).toEqual([6, 5, 4, 3]);
    expect(raw(h, r, 0)).toBe(0);
    expect(Math.abs(raw(h, r) - 0.1555722182)).toBeLessThan(1e-8);
  });

  it('scoring from statistics (no smoothing)', () => {
    const statistics = {
      matches: [9, 7, 5, 3],
      totals: [10, 8, 6, 4],
      hypothesisLength: 11,
      referenceLength: 11,
    };
    const { score } = bleuFromStatistics(statistics, { smoothing: 'none' });
    expect(Math.abs(score / 100 - 0.8375922397)).toBeLessThan(1e-8);
  });

  it.each<[number[], number[], number, number, number]>([
    [[0, 0, 0, 0], [4, 4, 2, 1], 0, 1, 0],
    [[0, 0, 0, 0], [10, 11, 12, 0], 14, 10, 0],
    [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0],
    [[6, 5, 4, 0], [6, 5, 4, 3], 6, 6, 0],
    [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.1],
    [[0, 0, 0, 0], [0, 0, 0, 0], 1, 5, 0.01],
  ])('degenerate statistics %j / %j are exactly 0 (floor %#)', (matches, totals, c, r, floor) => {
    const statistics = { matches, totals, hypothesisLength: c, referenceLength: r };
    expect(bleuFromStatistics(statistics, { smoothing: 'floor', smoothValue: floor }).score).toBe(
      0,
    );
  });

  it.each([
    [1, '77.65'],
    [2, '60.50'],
    [3, '53.93'],
    [4, '48.53'],
    [5, '46.14'],
    [6, '43.28'],
  ])('maxOrder %i gives %s', (maxOrder, expected) => {
    expect(corpusBleu(hyps, refs, { maxOrder }).score.toFixed(2)).toBe(expected);
  });
});

describe('corpusBleu matches the README (2 decimals as printed)', () => {
  it('BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)', () => {
    const s = corpusBleu(hyps, refs);
    expect(s.score.toFixed(2)).toBe('48.53');
    expect(s.precisions.map((p) => p.toFixed(1))).toEqual(['82.4', '50.0', '45.5', '37.5']);
    expect(s.brevityPenalty.toFixed(3)).toBe('0.943');
    expect(s.ratio.toFixed(3)).toBe('0.944');
    expect([s.hypothesisLength, s.referenceLength]).toEqual([17, 18]);
  });

  it('an empty first reference: BLEU = 29.44 82.4/42.9/27.3/12.5 (BP = 0.889, ref_len = 19)', () => {
    const variable = perHypothesis([['', ...streams[0]!.slice(1)], streams[1]!]);
    const s = corpusBleu(hyps, variable);
    expect(s.score.toFixed(2)).toBe('29.44');
    expect(s.precisions.map((p) => p.toFixed(1))).toEqual(['82.4', '42.9', '27.3', '12.5']);
    expect(s.brevityPenalty.toFixed(3)).toBe('0.889');
    expect([s.hypothesisLength, s.referenceLength]).toEqual([17, 19]);
  });
});

describe('sentenceBleu matches sacreBLEU (test_sentence_bleu.py, to 1e-3)', () => {
  // sacreBLEU issue #98's example
  const REF = 'producţia de zahăr brut se exprimă în zahăr alb;';
  const SYS = 'Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;';
  it.each<[BleuOptions, number]>([
    [{ smoothing: 'exp' }, 8.493],
    [{ smoothing: 'none' }, 0],
    [{ smoothing: 'floor' }, 4.51688],
    [{ smoothing: 'floor', smoothValue: 0.1 }, 4.51688],
    [{ smoothing: 'floor', smoothValue: 0.5 }, 10.1],
    [{ smoothing: 'add-k' }, 14.882],
    [{ smoothing: 'add-k', smoothValue: 1 }, 14.882],
    [{ smoothing: 'add-k', smoothValue: 2 }, 21.389],
    [{ tokenize: 'none' }, 7.347],
    [{ tokenize: 'intl' }, 8.493],
    [{ tokenize: 'char' }, 40.8759],
    [{ tokenize: 'char', lowercase: true }, 42.0267],
  ])('%j → %d', (options, expected) => {
    expect(Math.abs(sentenceBleu(SYS, [REF], options).score - expected)).toBeLessThan(1e-3);
  });

  it.each<BleuSmoothing[]>([['exp'], ['none'], ['floor'], ['add-k']])(
    'no match at all is 0 with %s smoothing (issue #141)',
    (smoothing) => {
      expect(sentenceBleu('this is a cat', ['okay thanks'], { smoothing }).score).toBe(0);
    },
  );

  it('the default is sentence BLEU with effective order; corpus BLEU without it', () => {
    expect(sentenceBleu('a test', ['a test']).score).toBeCloseTo(100, 10);
    // Without effective order the missing 3- and 4-grams make the corpus score 0.
    expect(corpusBleu(['a test'], [['a test']], { smoothing: 'none' }).score).toBe(0);
  });
});

describe('13a tokenization (mteval-v13a rules)', () => {
  it.each([
    ['Hello, world!', 'Hello , world !'],
    ['It costs $3.50, or 1,000 yen.', 'It costs $ 3.50 , or 1,000 yen .'],
    ['pages 5-6 and well-known', 'pages 5 - 6 and well-known'],
    ['&quot;quoted&quot; &amp; <skipped>done', '" quoted " & done'],
    ['line-\nbreak\nhere', 'linebreak here'],
    ["don't (x)/y", "don't ( x ) / y"],
  ])('%j → %j', (line, expected) => {
    expect(tokenizeForBleu(line, '13a').join(' ')).toBe(expected);
  });

  it('splits on whitespace as Python does (NEL and U+001F split, U+FEFF does not)', () => {
    expect(tokenizeForBleu('a\u0085b\u001fc\ufeffd', 'none')).toEqual(['a', 'b', 'c\ufeffd']);
  });
});

describe('bad input is refused at the boundary', () => {
  it.each<[string, () => unknown, RegExp]>([
    [
      'lengths differ',
      () => corpusBleu(['a', 'b'], [['a']]),
      /one entry per hypothesis \(2\), got 1/,
    ],
    [
      'a hypothesis without reference',
      () => corpusBleu(['a'], [[]]),
      /references\[0\] must be a non-empty array/,
    ],
    [
      'streams passed flat',
      () => corpusBleu(['a'], ['a'] as never),
      /references\[0\] must be a non-empty array of strings, got "a"/,
    ],
    [
      'a number as hypothesis',
      () => corpusBleu([3] as never, [['a']]),
      /hypotheses\[0\] must be a string, got number 3/,
    ],
    [
      'an unknown tokenizer',
      () => corpusBleu(['a'], [['a']], { tokenize: 'moses' as never }),
      /tokenize must be one of 13a, intl, char, none, got "moses"/,
    ],
    [
      'an unknown option',
      () => sentenceBleu('a', ['a'], { smooth: 'exp' } as never),
      /unknown option 'smooth'/,
    ],
    [
      'maxOrder 0',
      () => corpusBleu(['a'], [['a']], { maxOrder: 0 }),
      /maxOrder must be an integer ≥ 1, got number 0/,
    ],
    [
      'a negative smoothValue',
      () => corpusBleu(['a'], [['a']], { smoothValue: -1 }),
      /smoothValue must be a finite number ≥ 0/,
    ],
    [
      'statistics with too few orders',
      () =>
        bleuFromStatistics({ matches: [1], totals: [1], hypothesisLength: 1, referenceLength: 1 }),
      /statistics\.matches must hold 4 numbers ≥ 0 \(one per order\), got an array of 1/,
    ],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});
