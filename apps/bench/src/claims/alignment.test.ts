import { DATE_FORMATS, Vocab } from '@gated/datasets';
import type { Hypothesis } from '@gated/seq2seq';
import { describe, expect, it } from 'vitest';
import { dateFieldSpans, monotonicAlignment } from './alignment';

describe('dateFieldSpans', () => {
  // Friday, June 5, 2026: day and month differ, so a swapped field would show.
  const parts = { year: 2026, month: 6, day: 5, weekday: 5 };
  const expected: Record<string, [string, string, string]> = {
    'MM/DD/YYYY': ['2026', '06', '05'],
    'M/D/YYYY': ['2026', '6', '5'],
    'MM/DD/YY': ['26', '06', '05'],
    'DD.MM.YYYY': ['2026', '06', '05'],
    'D.M.YYYY': ['2026', '6', '5'],
    'D.M.YY': ['26', '6', '5'],
    'DD-MM-YYYY': ['2026', '06', '05'],
    'YYYY-MM-DD': ['2026', '06', '05'],
    'YYYY/MM/DD': ['2026', '06', '05'],
    YYYYMMDD: ['2026', '06', '05'],
    'MMMM D, YYYY': ['2026', 'June', '5'],
    'MMMM D YYYY': ['2026', 'June', '5'],
    'MMM D, YYYY': ['2026', 'Jun', '5'],
    'MMM D YYYY': ['2026', 'Jun', '5'],
    'D MMMM YYYY': ['2026', 'June', '5'],
    'D MMM YYYY': ['2026', 'Jun', '5'],
    'DD MMM YYYY (upper case)': ['2026', 'JUN', '05'],
    'MMMM Do, YYYY': ['2026', 'June', '5th'],
    'Do MMMM YYYY': ['2026', 'June', '5th'],
    'the Do of MMMM, YYYY': ['2026', 'June', '5th'],
    'dddd, MMMM D, YYYY': ['2026', 'June', '5'],
    'ddd, D MMM YYYY': ['2026', 'Jun', '5'],
    'YYYY MMMM D': ['2026', 'June', '5'],
    'mmmm d yyyy (lower case)': ['2026', 'june', '5'],
  };

  it('finds the year, month and day in all 24 formats', () => {
    expect(DATE_FORMATS.map((f) => f.name).sort()).toEqual(Object.keys(expected).sort());
    for (const { name, format } of DATE_FORMATS) {
      const source = format(parts);
      const spans = dateFieldSpans(source, '2026-06-05');
      const text = (positions: number[]) => positions.map((j) => source[j]).join('');
      expect([text(spans.year), text(spans.month), text(spans.day)], `${name}: ${source}`).toEqual(
        expected[name],
      );
    }
  });

  it('tells day from month by the separator when both are numbers', () => {
    const spans = dateFieldSpans('03/04/1999', '1999-03-04');
    expect(spans).toEqual({ year: [6, 7, 8, 9], month: [0, 1], day: [3, 4] });
    expect(dateFieldSpans('04.03.1999', '1999-03-04').month).toEqual([3, 4]);
  });
});

describe('monotonicAlignment', () => {
  const targetVocab = Vocab.fromTokens(['Z', 'IY1', 'B', 'R', 'AH0', 'K', 'AE1', 'D']);
  /** One-hot attention on letter i at output step i, and the EOS row on the last letter. */
  const diagonal = (letters: number, steps: number) =>
    Array.from({ length: steps + 1 }, (_, i) =>
      Array.from({ length: letters }, (_, j) => (j === Math.min(i, letters - 1) ? 1 : 0)),
    );
  /** A stand-in for a stress model: each word decodes to the stressed phonemes given here. */
  const stressModel = (outputs: Record<string, string>) => ({
    targetVocab,
    decode: (texts: readonly string[]): Hypothesis[] =>
      texts.map((text) => {
        const phonemes = outputs[text]!.split(' ');
        return {
          tokens: targetVocab.encode(phonemes),
          score: 0,
          attention: diagonal(text.length, phonemes.length),
        };
      }),
  });
  const p = (s: string) => s.split(' ');

  it('counts a stressed output as right when it matches a stress-free reference without its digits', () => {
    const model = stressModel({ zebra: 'Z IY1 B R AH0', cat: 'K AE1 D' });
    const result = monotonicAlignment(model, [
      { source: [...'zebra'], targets: [p('Z IY B R AH')] },
      { source: [...'cat'], targets: [p('K AE T')] }, // a wrong phoneme: not counted
    ]);
    expect(result.examples).toBe(1);
    expect(result.monotonicShare).toBe(1);
    expect(result.nearDiagonalShare).toBe(1);
    // Letters within two of the diagonal at steps 0–4 of 5: 3, 4, 5, 4, 3 of 5.
    expect(result.uniformNearDiagonalShare).toBeCloseTo(19 / 25, 12);
    // The example keeps the model's own (stressed) tokens.
    expect(result.example.output).toEqual([...p('Z IY1 B R AH0'), '</s>']);
  });

  it('still refuses a model that pronounces no word right', () => {
    const model = stressModel({ zebra: 'Z IY1 B R' });
    expect(() =>
      monotonicAlignment(model, [{ source: [...'zebra'], targets: [p('Z IY B R AH')] }]),
    ).toThrow('monotonicAlignment: the model pronounced none of the words correctly');
  });
});
