import { seededRandom } from '../random';
import type { TextExample } from './task-options';

/** English month names, January first. */
export const MONTH_NAMES: readonly string[] = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const MONTHS = MONTH_NAMES;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A calendar date; `weekday` 0 = Sunday. */
export interface DateParts {
  year: number;
  month: number;
  day: number;
  weekday: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const ordinal = (n: number) =>
  `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;
const month = (d: DateParts) => MONTHS[d.month - 1]!;
const mon = (d: DateParts) => month(d).slice(0, 3);
const yy = (d: DateParts) => pad(d.year % 100);

/**
 * Human date formats, as people type them. Numeric ones are unambiguous by separator: slashes
 * put the month first (US), dots and dashes the day first; two-digit years mean 1950–2049.
 */
export const DATE_FORMATS: ReadonlyArray<{
  /** The format in moment.js-style letters, e.g. `'MMMM D, YYYY'`. */
  name: string;
  /** Writes a date in this format. */
  format: (d: DateParts) => string;
}> = [
  { name: 'MM/DD/YYYY', format: (d) => `${pad(d.month)}/${pad(d.day)}/${d.year}` },
  { name: 'M/D/YYYY', format: (d) => `${d.month}/${d.day}/${d.year}` },
  { name: 'MM/DD/YY', format: (d) => `${pad(d.month)}/${pad(d.day)}/${yy(d)}` },
  { name: 'DD.MM.YYYY', format: (d) => `${pad(d.day)}.${pad(d.month)}.${d.year}` },
  { name: 'D.M.YYYY', format: (d) => `${d.day}.${d.month}.${d.year}` },
  { name: 'D.M.YY', format: (d) => `${d.day}.${d.month}.${yy(d)}` },
  { name: 'DD-MM-YYYY', format: (d) => `${pad(d.day)}-${pad(d.month)}-${d.year}` },
  { name: 'YYYY-MM-DD', format: (d) => `${d.year}-${pad(d.month)}-${pad(d.day)}` },
  { name: 'YYYY/MM/DD', format: (d) => `${d.year}/${pad(d.month)}/${pad(d.day)}` },
  { name: 'YYYYMMDD', format: (d) => `${d.year}${pad(d.month)}${pad(d.day)}` },
  { name: 'MMMM D, YYYY', format: (d) => `${month(d)} ${d.day}, ${d.year}` },
  { name: 'MMMM D YYYY', format: (d) => `${month(d)} ${d.day} ${d.year}` },
  { name: 'MMM D, YYYY', format: (d) => `${mon(d)} ${d.day}, ${d.year}` },
  { name: 'MMM D YYYY', format: (d) => `${mon(d)} ${d.day} ${d.year}` },
  { name: 'D MMMM YYYY', format: (d) => `${d.day} ${month(d)} ${d.year}` },
  { name: 'D MMM YYYY', format: (d) => `${d.day} ${mon(d)} ${d.year}` },
  {
    name: 'DD MMM YYYY (upper case)',
    format: (d) => `${pad(d.day)} ${mon(d).toUpperCase()} ${d.year}`,
  },
  { name: 'MMMM Do, YYYY', format: (d) => `${month(d)} ${ordinal(d.day)}, ${d.year}` },
  { name: 'Do MMMM YYYY', format: (d) => `${ordinal(d.day)} ${month(d)} ${d.year}` },
  {
    name: 'the Do of MMMM, YYYY',
    format: (d) => `the ${ordinal(d.day)} of ${month(d)}, ${d.year}`,
  },
  {
    name: 'dddd, MMMM D, YYYY',
    format: (d) => `${WEEKDAYS[d.weekday]}, ${month(d)} ${d.day}, ${d.year}`,
  },
  {
    name: 'ddd, D MMM YYYY',
    format: (d) => `${WEEKDAYS[d.weekday]!.slice(0, 3)}, ${d.day} ${mon(d)} ${d.year}`,
  },
  { name: 'YYYY MMMM D', format: (d) => `${d.year} ${month(d)} ${d.day}` },
  {
    name: 'mmmm d yyyy (lower case)',
    format: (d) => `${month(d).toLowerCase()} ${d.day} ${d.year}`,
  },
];

/** The date `daysSince1950` days after 1950-01-01 (UTC, proleptic Gregorian). */
export function dateFromDayNumber(daysSince1950: number): DateParts {
  const date = new Date(Date.UTC(1950, 0, 1) + daysSince1950 * 86_400_000);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    weekday: date.getUTCDay(),
  };
}

/** The years `dateTask` draws its dates from, uniformly by day. */
export const DATE_TASK_YEARS = { first: 1950, last: 2049 } as const;

const DAYS_1950_TO_2049 = Math.round(
  (Date.UTC(DATE_TASK_YEARS.last + 1, 0, 1) - Date.UTC(DATE_TASK_YEARS.first, 0, 1)) / 86_400_000,
);

/** Options of `dateTask`: how many examples, their source lengths and the seed. */
export interface DateTaskOptions {
  count: number;
  /** Shortest source, in characters. Default 1. */
  minLength?: number;
  /** Longest source, in characters. Default: no limit. */
  maxLength?: number;
  seed?: number;
  /** Format names to use (from `DATE_FORMATS`). Default: all. */
  formats?: readonly string[];
}

export interface DateExample extends TextExample {
  /** Which of `DATE_FORMATS` wrote the source. */
  format: string;
}

/**
 * Human-written dates → ISO `YYYY-MM-DD`, one token per character, dates uniform over
 * 1950–2049 and formats uniform (as in the TensorFlow.js date-conversion-attention example).
 * Length = source characters: examples outside the range are redrawn.
 */
export function dateTask(options: DateTaskOptions): DateExample[] {
  const minLength = options.minLength ?? 1;
  const maxLength = options.maxLength ?? Number.POSITIVE_INFINITY;
  if (!Number.isInteger(options.count) || options.count < 0)
    throw new Error(`dateTask: count must be a non-negative integer, got ${options.count}`);
  const formats = options.formats
    ? options.formats.map((name) => {
        const found = DATE_FORMATS.find((f) => f.name === name);
        if (!found)
          throw new Error(
            `dateTask: unknown format '${name}' (known: ${DATE_FORMATS.map((f) => f.name).join(', ')})`,
          );
        return found;
      })
    : DATE_FORMATS;
  const lengths = formats.flatMap((f) => [
    f.format(dateFromDayNumber(0)).length,
    f.format(dateFromDayNumber(DAYS_1950_TO_2049 - 100)).length,
  ]);
  if (Math.max(...lengths) + 12 < minLength || Math.min(...lengths) - 12 > maxLength) {
    throw new Error(`dateTask: no format writes dates of ${minLength}–${maxLength} characters`);
  }
  const random = seededRandom(options.seed ?? 0);
  const examples: DateExample[] = [];
  for (let attempts = 0; examples.length < options.count; attempts++) {
    if (attempts > 1000 * (options.count + 1))
      throw new Error(`dateTask: could not draw dates of ${minLength}–${maxLength} characters`);
    const date = dateFromDayNumber(Math.floor(random() * DAYS_1950_TO_2049));
    const format = formats[Math.floor(random() * formats.length)]!;
    const text = format.format(date);
    const length = Array.from(text).length;
    if (length < minLength || length > maxLength) continue;
    const iso = `${date.year}-${pad(date.month)}-${pad(date.day)}`;
    examples.push({ source: Array.from(text), target: Array.from(iso), format: format.name });
  }
  return examples;
}
