import { describe, expect, it } from 'vitest';
import {
  dateFormatExamples,
  judgeDateAnswer,
  LONGEST_TRAINED_INPUT,
  readIsoDate,
  yearsOutsideTraining,
} from './date-checks';

describe('date answers judged in words', () => {
  it('knows real days from impossible ones, leap years included', () => {
    expect(readIsoDate('2026-06-05')).toEqual({
      valid: true,
      date: { year: 2026, month: 6, day: 5, weekday: 5 },
    });
    expect(readIsoDate('2001-02-30')).toEqual({
      valid: false,
      reason: 'February 2001 has 28 days, not 30',
    });
    expect(readIsoDate('2000-02-29').valid).toBe(true);
    expect(readIsoDate('1900-02-29').valid).toBe(false);
    expect(readIsoDate('1987-14-03')).toEqual({ valid: false, reason: 'there is no month 14' });
    expect(readIsoDate('201-06-06').valid).toBe(false);
  });

  it('trusts an answer only when the input is that day in one of the 24 formats', () => {
    expect(judgeDateAnswer('June 5, 2026', '2026-06-05')).toEqual({
      valid: true,
      format: 'MMMM D, YYYY',
      notes: [],
    });
    expect(judgeDateAnswer('06/05/26', '2026-06-05').format).toBe('MM/DD/YY');
    // Slashes put the month first: 14/03/1987 is no date in any trained format.
    const slashes = judgeDateAnswer('14/03/1987', '1987-01-03');
    expect(slashes.format).toBeUndefined();
    expect(slashes.notes.join(' ')).toContain('Outside what the model was trained on');
    expect(judgeDateAnswer('hello', '2077-07-07').notes.join(' ')).toContain('a guess');
    const feb30 = judgeDateAnswer('Feb 30, 2001', '2001-02-30');
    expect(feb30.valid).toBe(false);
    expect(feb30.notes[0]).toBe('Invalid date: February 2001 has 28 days, not 30.');
    expect(judgeDateAnswer('May 3, 1887', '1987-05-03').notes[0]).toContain(
      'The year 1887 is outside 1950–2049',
    );
    const long = judgeDateAnswer('1'.repeat(300), '201-06-06');
    expect(long.notes.join(' ')).toContain(
      `The input has 300 characters; no training input had more than ${LONGEST_TRAINED_INPUT}.`,
    );
  });

  it('lists the 24 formats with an example each, and finds years outside training', () => {
    const formats = dateFormatExamples();
    expect(formats).toHaveLength(24);
    expect(formats).toContainEqual({ name: 'YYYY-MM-DD', example: '2026-06-05' });
    expect(formats).toContainEqual({ name: 'dddd, MMMM D, YYYY', example: 'Friday, June 5, 2026' });
    expect(yearsOutsideTraining('May 3, 1887 or 2050, not 1999 or 20261')).toEqual([1887, 2050]);
    expect(LONGEST_TRAINED_INPUT).toBe('Wednesday, September 23, 2037'.length);
  });
});
