import { DATE_FORMATS } from '@gated/datasets';
import { describe, expect, it } from 'vitest';
import { dateFieldSpans } from './alignment';

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
