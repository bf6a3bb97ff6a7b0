import { DATE_FORMATS, DATE_TASK_YEARS, type DateParts, MONTH_NAMES } from '@gated/datasets';

/** The years the date models saw in training (`dateTask`'s). */
export const TRAINED_YEARS = DATE_TASK_YEARS;

/** The 24 formats, each with one example (5 June 2026), for the page to list. */
export function dateFormatExamples(): Array<{ name: string; example: string }> {
  const example: DateParts = { year: 2026, month: 6, day: 5, weekday: 5 };
  return DATE_FORMATS.map((f) => ({ name: f.name, example: f.format(example) }));
}

/** The longest source any format writes for a date in the trained range (with the longest names). */
export const LONGEST_TRAINED_INPUT = Math.max(
  ...DATE_FORMATS.map(
    // Wednesday the 23rd of September 2037: longest weekday, month and ordinal at once.
    (f) => f.format({ year: 2037, month: 9, day: 23, weekday: 3 }).length,
  ),
);

/** A model's ISO answer read as a calendar date, or why it is not one. */
export type IsoReading = { valid: true; date: DateParts } | { valid: false; reason: string };

/** Whether `iso` (`YYYY-MM-DD`) names a real day of the proleptic Gregorian calendar. */
export function readIsoDate(iso: string): IsoReading {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return { valid: false, reason: `“${iso}” is not of the form YYYY-MM-DD` };
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12) return { valid: false, reason: `there is no month ${month}` };
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > days)
    return {
      valid: false,
      reason: `${MONTH_NAMES[month - 1]} ${year} has ${days} days, not ${day}`,
    };
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return { valid: true, date: { year, month, day, weekday } };
}

/** Which of the 24 formats writes `date` exactly as `input`; undefined when none does. */
export function formatWriting(input: string, date: DateParts): string | undefined {
  return DATE_FORMATS.find((f) => f.format(date) === input)?.name;
}

/** Four-digit numbers in the input outside the trained years (1887 in "May 3, 1887"). */
export function yearsOutsideTraining(input: string): number[] {
  return [...input.matchAll(/(?<!\d)(\d{4})(?!\d)/g)]
    .map((m) => Number(m[1]))
    .filter((year) => year < TRAINED_YEARS.first || year > TRAINED_YEARS.last)
    .filter((year) => year >= 1000);
}

/** What can be said, in words, about a date answer: whether it is a date, and whether to trust it. */
export interface DateVerdict {
  /** The answer names a real calendar day. */
  valid: boolean;
  /** The input is the answer written in one of the 24 formats: the answer is right by construction. */
  format?: string;
  /** Sentences for the reader, most important first. */
  notes: string[];
}

/**
 * Judges a date model's answer to `input` (trimmed): a real day? the input one of the trained
 * formats of that day? years or length outside training?
 */
export function judgeDateAnswer(input: string, answer: string): DateVerdict {
  const notes: string[] = [];
  const reading = readIsoDate(answer);
  if (!reading.valid) notes.push(`Invalid date: ${reading.reason}.`);
  const years = yearsOutsideTraining(input);
  if (years.length > 0)
    notes.push(
      `The year ${years.join(', ')} is outside ${TRAINED_YEARS.first}–${TRAINED_YEARS.last}, the years the model was trained on; it cannot write it.`,
    );
  if (input.length > LONGEST_TRAINED_INPUT)
    notes.push(
      `The input has ${input.length} characters; no training input had more than ${LONGEST_TRAINED_INPUT}.`,
    );
  const format = reading.valid ? formatWriting(input, reading.date) : undefined;
  if (!format)
    notes.push(
      'Outside what the model was trained on: the input is not the answer written in any of the 24 formats, so the answer is a guess.',
    );
  return { valid: reading.valid, format, notes };
}
