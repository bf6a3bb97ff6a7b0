import { dateTask } from '@gated/datasets';
import type { TextModel } from '@gated/models';
import { stripStress } from '../g2p/g2p-scores';

const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

type Field = 'year' | 'month' | 'day';

/** Character positions of the year, month and day in a human-written date. */
export type FieldSpans = Record<Field, number[]>;

const range = (start: number, end: number) =>
  Array.from({ length: end - start }, (_, i) => start + i);

/**
 * Where the year, month and day of `iso` (YYYY-MM-DD) are written in `source`, one of the
 * `DATE_FORMATS` of @gated/datasets. Numeric fields are told apart by the formats' rules: a
 * leading four-digit year is followed by month then day, slashes put the month first, dots and
 * dashes the day. An ordinal's suffix (`st`, `nd`…) belongs to the day.
 */
export function dateFieldSpans(source: string, iso: string): FieldSpans {
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  const runs = [...source.matchAll(/[0-9]+|[A-Za-z]+/g)].map((m) => ({
    text: m[0],
    start: m.index,
    end: m.index + m[0].length,
  }));
  const spans: FieldSpans = { year: [], month: [], day: [] };
  const eight = runs.find((r) => /^[0-9]{8}$/.test(r.text));
  if (eight) {
    return {
      year: range(eight.start, eight.start + 4),
      month: range(eight.start + 4, eight.start + 6),
      day: range(eight.start + 6, eight.end),
    };
  }
  const digits = runs.filter((r) => /^[0-9]/.test(r.text));
  const yearRun =
    digits.find((r) => r.text === String(year)) ??
    [...digits].reverse().find((r) => r.text === String(year % 100).padStart(2, '0'));
  if (yearRun) spans.year = range(yearRun.start, yearRun.end);
  const monthName = runs.find((r) => {
    const word = r.text.toLowerCase();
    const name = MONTH_NAMES[month - 1]!;
    return word === name || (word.length === 3 && name.startsWith(word));
  });
  const rest = digits.filter((r) => r !== yearRun);
  let dayRun = rest[0];
  if (monthName) spans.month = range(monthName.start, monthName.end);
  else {
    const yearFirst = yearRun !== undefined && yearRun.start === digits[0]?.start;
    const monthFirst = yearFirst || source.includes('/');
    const [monthRun, otherRun] = monthFirst ? [rest[0], rest[1]] : [rest[1], rest[0]];
    if (monthRun && Number(monthRun.text) === month)
      spans.month = range(monthRun.start, monthRun.end);
    dayRun = otherRun;
  }
  if (dayRun && Number(dayRun.text) === day) {
    const suffix = runs.find((r) => r.start === dayRun.end && /^(st|nd|rd|th)$/.test(r.text));
    spans.day = range(dayRun.start, suffix ? suffix.end : dayRun.end);
  }
  return spans;
}

/** Which field each ISO output character belongs to (the dashes belong to none). */
const ISO_FIELDS: Array<Field | null> = [
  'year',
  'year',
  'year',
  'year',
  null,
  'month',
  'month',
  null,
  'day',
  'day',
];

export interface DatesAlignment {
  examples: number;
  /** Mean attention mass on the source characters of the field being written, per field and overall. */
  share: Record<Field | 'all', number>;
  /** The same share if attention were spread evenly over the source: the chance level. */
  uniformShare: Record<Field | 'all', number>;
  /** One example for the figure. */
  example: { source: string[]; output: string[]; attention: number[][] };
}

/**
 * Claim 7 on dates: for each output digit of a correctly converted date, the share of attention
 * on the characters that spell the same field (year, month or day) in the input.
 */
export function datesAlignment(model: TextModel, count: number): DatesAlignment {
  const examples = dateTask({ count, seed: 77 });
  const sums = { year: [0, 0, 0], month: [0, 0, 0], day: [0, 0, 0] } as Record<Field, number[]>; // share, uniform, n
  let used = 0;
  let example: DatesAlignment['example'] | undefined;
  for (const e of examples) {
    const source = e.source.join('');
    const iso = e.target.join('');
    const [hypothesis] = model.decode([source]);
    if (!hypothesis?.attention || model.targetVocab.decode(hypothesis.tokens).join('') !== iso)
      continue;
    const spans = dateFieldSpans(source, iso);
    used++;
    example ??= {
      source: e.source,
      output: [...iso.split(''), '</s>'],
      attention: hypothesis.attention,
    };
    for (const [i, field] of ISO_FIELDS.entries()) {
      if (!field || spans[field].length === 0) continue;
      const row = hypothesis.attention[i]!;
      const mass = spans[field].reduce((total, j) => total + (row[j] ?? 0), 0);
      const entry = sums[field];
      entry[0]! += mass;
      entry[1]! += spans[field].length / e.source.length;
      entry[2]! += 1;
    }
  }
  const mean = (field: Field, k: 0 | 1) => sums[field][k]! / Math.max(1, sums[field][2]!);
  const all = (k: 0 | 1) => {
    const n = sums.year[2]! + sums.month[2]! + sums.day[2]!;
    return (sums.year[k]! + sums.month[k]! + sums.day[k]!) / Math.max(1, n);
  };
  if (!example) throw new Error('datesAlignment: the model converted none of the dates correctly');
  return {
    examples: used,
    share: { year: mean('year', 0), month: mean('month', 0), day: mean('day', 0), all: all(0) },
    uniformShare: {
      year: mean('year', 1),
      month: mean('month', 1),
      day: mean('day', 1),
      all: all(1),
    },
    example,
  };
}

export interface MonotonicAlignment {
  examples: number;
  /** Mean attention-weighted source position per output step, as a fraction: how often it does not move back. */
  monotonicShare: number;
  /** Share of attention mass within two characters of the expected diagonal position. */
  nearDiagonalShare: number;
  /** The same share for attention spread evenly: the chance level. */
  uniformNearDiagonalShare: number;
  example: { source: string[]; output: string[]; attention: number[][] };
}

/**
 * Claim 7 on G2P: letters and phonemes run in the same order, so attention should move forward
 * through the word. Measured on words the model pronounces correctly: the share of output steps
 * whose attention centre does not move backwards, and the attention mass within two letters of
 * the diagonal (output step i of T at letter i·S/T). "Correctly" leaves stress aside: digits are
 * stripped from the output and the references before they are compared, so a stress model
 * (`Z IY1 B R AH0`) is measured on the stress-free references (`Z IY B R AH`) too. A stressed
 * phoneme is one token, as its bare form is, so T counts phonemes either way.
 */
export function monotonicAlignment(
  model: Pick<TextModel, 'decode' | 'targetVocab'>,
  words: ReadonlyArray<{ source: string[]; targets: string[][] }>,
): MonotonicAlignment {
  let used = 0;
  let forward = 0;
  let moves = 0;
  let near = 0;
  let uniformNear = 0;
  let rows = 0;
  let example: MonotonicAlignment['example'] | undefined;
  for (const word of words) {
    const [hypothesis] = model.decode([word.source.join('')]);
    if (!hypothesis?.attention) continue;
    const output = model.targetVocab.decode(hypothesis.tokens);
    const bare = stripStress(output).join(' ');
    if (!word.targets.some((t) => stripStress(t).join(' ') === bare)) continue;
    used++;
    const S = word.source.length;
    const T = output.length;
    example ??= {
      source: word.source,
      output: [...output, '</s>'],
      attention: hypothesis.attention,
    };
    let previous = -1;
    for (let i = 0; i < T; i++) {
      const row = hypothesis.attention[i]!;
      const centre = row.reduce((total, w, j) => total + w * j, 0);
      if (previous >= 0) {
        moves++;
        if (centre >= previous - 0.5) forward++;
      }
      previous = centre;
      const expected = T === 1 ? 0 : (i * (S - 1)) / (T - 1);
      let mass = 0;
      let count = 0;
      for (let j = 0; j < S; j++)
        if (Math.abs(j - expected) <= 2) {
          mass += row[j] ?? 0;
          count++;
        }
      near += mass;
      uniformNear += count / S;
      rows++;
    }
  }
  if (!example)
    throw new Error('monotonicAlignment: the model pronounced none of the words correctly');
  return {
    examples: used,
    monotonicShare: forward / Math.max(1, moves),
    nearDiagonalShare: near / Math.max(1, rows),
    uniformNearDiagonalShare: uniformNear / Math.max(1, rows),
    example,
  };
}
