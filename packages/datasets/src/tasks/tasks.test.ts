import { describe, expect, it } from 'vitest';
import { addingProblem, addingProblemCorrect } from './adding-problem';
import { additionTask } from './addition';
import { DATE_FORMATS, DATE_TASK_YEARS, dateFromDayNumber, dateTask, MONTH_NAMES } from './dates';
import { recallTask } from './recall';
import { copyTask, reverseTask, sortTask } from './symbol-tasks';

const options = { count: 200, minLength: 3, maxLength: 7, seed: 42 };

describe.each([
  ['copyTask', copyTask],
  ['reverseTask', reverseTask],
  ['sortTask', sortTask],
  ['additionTask', additionTask],
  ['recallTask', recallTask],
] as const)('%s', (_name, task) => {
  it('is deterministic under a seed and differs across seeds', () => {
    expect(task(options)).toEqual(task(options));
    expect(task({ ...options, seed: 43 })).not.toEqual(task(options));
  });
});

describe('symbol tasks', () => {
  it('draw lengths within the range, using every length, over the requested symbols', () => {
    const examples = reverseTask({ ...options, vocabularySize: 5 });
    const lengths = new Set(examples.map((e) => e.source.length));
    expect([...lengths].sort()).toEqual([3, 4, 5, 6, 7]);
    expect(new Set(examples.flatMap((e) => e.source))).toEqual(new Set(['a', 'b', 'c', 'd', 'e']));
  });

  it('label correctly', () => {
    for (const e of copyTask(options)) expect(e.target).toEqual(e.source);
    for (const e of reverseTask(options))
      expect(e.target.join('')).toBe([...e.source].reverse().join(''));
    for (const e of sortTask({ ...options, vocabularySize: 30 })) {
      expect(e.target).toHaveLength(e.source.length);
      const order = 'abcdefghijklmnopqrstuvwxyzABCD';
      for (let i = 1; i < e.target.length; i++)
        expect(order.indexOf(e.target[i]!)).toBeGreaterThanOrEqual(order.indexOf(e.target[i - 1]!));
    }
    expect(sortTask({ count: 1, minLength: 4, maxLength: 4, seed: 1 })[0]!.target).toEqual(
      [...sortTask({ count: 1, minLength: 4, maxLength: 4, seed: 1 })[0]!.source].sort(),
    );
  });

  it('refuse bad options, naming them', () => {
    expect(() => copyTask({ count: 1, minLength: 0, maxLength: 3 })).toThrow(
      'copyTask: minLength must be an integer ≥ 1, got 0',
    );
    expect(() => reverseTask({ count: 1, minLength: 4, maxLength: 3 })).toThrow(
      'maxLength must be an integer ≥ minLength (4), got 3',
    );
    expect(() => sortTask({ count: 1, minLength: 1, maxLength: 3, vocabularySize: 99 })).toThrow(
      'vocabularySize must be an integer in [2, 62], got 99',
    );
  });
});

describe('additionTask', () => {
  it('writes "a+b" → the sum, digits within the range, no leading zeros', () => {
    for (const { source, target } of additionTask({
      count: 300,
      minLength: 1,
      maxLength: 4,
      seed: 3,
    })) {
      const [a, b] = source.join('').split('+');
      for (const operand of [a!, b!]) {
        expect(operand.length).toBeGreaterThanOrEqual(1);
        expect(operand.length).toBeLessThanOrEqual(4);
        expect(operand === '0' || !operand.startsWith('0')).toBe(true);
      }
      expect(Number(target.join(''))).toBe(Number(a) + Number(b));
    }
  });
});

describe('dateTask', () => {
  const june5 = dateFromDayNumber(
    Math.round((Date.UTC(2026, 5, 5) - Date.UTC(1950, 0, 1)) / 86_400_000),
  );

  it('draws its dates from DATE_TASK_YEARS, both ends reached, and names months as MONTH_NAMES', () => {
    const years = dateTask({ count: 3000, seed: 7 }).map((e) =>
      Number(e.target.slice(0, 4).join('')),
    );
    expect(Math.min(...years)).toBe(DATE_TASK_YEARS.first);
    expect(Math.max(...years)).toBe(DATE_TASK_YEARS.last);
    expect(MONTH_NAMES).toHaveLength(12);
    expect(DATE_FORMATS.find((f) => f.name === 'MMMM D, YYYY')?.format(june5)).toBe(
      `${MONTH_NAMES[5]} 5, 2026`,
    );
  });

  it('has at least 20 formats, written as hand-checked here for Friday, June 5, 2026', () => {
    expect(june5).toEqual({ year: 2026, month: 6, day: 5, weekday: 5 });
    expect(Object.fromEntries(DATE_FORMATS.map((f) => [f.name, f.format(june5)]))).toEqual({
      'MM/DD/YYYY': '06/05/2026',
      'M/D/YYYY': '6/5/2026',
      'MM/DD/YY': '06/05/26',
      'DD.MM.YYYY': '05.06.2026',
      'D.M.YYYY': '5.6.2026',
      'D.M.YY': '5.6.26',
      'DD-MM-YYYY': '05-06-2026',
      'YYYY-MM-DD': '2026-06-05',
      'YYYY/MM/DD': '2026/06/05',
      YYYYMMDD: '20260605',
      'MMMM D, YYYY': 'June 5, 2026',
      'MMMM D YYYY': 'June 5 2026',
      'MMM D, YYYY': 'Jun 5, 2026',
      'MMM D YYYY': 'Jun 5 2026',
      'D MMMM YYYY': '5 June 2026',
      'D MMM YYYY': '5 Jun 2026',
      'DD MMM YYYY (upper case)': '05 JUN 2026',
      'MMMM Do, YYYY': 'June 5th, 2026',
      'Do MMMM YYYY': '5th June 2026',
      'the Do of MMMM, YYYY': 'the 5th of June, 2026',
      'dddd, MMMM D, YYYY': 'Friday, June 5, 2026',
      'ddd, D MMM YYYY': 'Fri, 5 Jun 2026',
      'YYYY MMMM D': '2026 June 5',
      'mmmm d yyyy (lower case)': 'june 5 2026',
    });
    expect(
      DATE_FORMATS.find((f) => f.name === 'MMMM Do, YYYY')!.format({ ...june5, day: 22 }),
    ).toBe('June 22nd, 2026');
    expect(DATE_FORMATS.find((f) => f.name === 'Do MMMM YYYY')!.format({ ...june5, day: 13 })).toBe(
      '13th June 2026',
    );
  });

  it('targets ISO dates in 1950–2049 that match the source, deterministically, within the length range', () => {
    const examples = dateTask({ count: 500, seed: 7, minLength: 8, maxLength: 14 });
    expect(dateTask({ count: 500, seed: 7, minLength: 8, maxLength: 14 })).toEqual(examples);
    const years = examples.map((e) => Number(e.target.slice(0, 4).join('')));
    expect(Math.min(...years)).toBeGreaterThanOrEqual(1950);
    expect(Math.max(...years)).toBeLessThanOrEqual(2049);
    for (const e of examples) {
      expect(e.source.length).toBeGreaterThanOrEqual(8);
      expect(e.source.length).toBeLessThanOrEqual(14);
      const [y, m, d] = e.target.join('').split('-').map(Number);
      const parts = dateFromDayNumber(
        Math.round((Date.UTC(y!, m! - 1, d!) - Date.UTC(1950, 0, 1)) / 86_400_000),
      );
      expect(DATE_FORMATS.find((f) => f.name === e.format)!.format(parts)).toBe(e.source.join(''));
    }
    expect(new Set(dateTask({ count: 2000, seed: 1 }).map((e) => e.format)).size).toBe(
      DATE_FORMATS.length,
    );
  });

  it('refuses unknown formats and impossible lengths', () => {
    expect(() => dateTask({ count: 1, formats: ['YYYY.DD.MM'] })).toThrow(
      "dateTask: unknown format 'YYYY.DD.MM'",
    );
    expect(() => dateTask({ count: 1, minLength: 60 })).toThrow(
      'no format writes dates of 60–Infinity characters',
    );
  });
});

describe('recallTask', () => {
  it('puts the key first, N distractors, then ?, and asks for the key', () => {
    const examples = recallTask({ count: 100, minLength: 10, maxLength: 40, seed: 5, keys: 4 });
    for (const { source, target } of examples) {
      expect(source[0]).toMatch(/^K[0-3]$/);
      expect(source.at(-1)).toBe('?');
      expect(source.length - 2).toBeGreaterThanOrEqual(10);
      expect(source.length - 2).toBeLessThanOrEqual(40);
      expect(source.slice(1, -1).every((t) => /^x\d$/.test(t))).toBe(true);
      expect(target).toEqual([source[0]]);
    }
  });
});

describe('addingProblem (Hochreiter & Schmidhuber 1997, §5.4)', () => {
  it('marks X1 in the first ten, X2 in the first T/2 − 1, and targets 0.5 + (X1 + X2)/4', () => {
    const T = 100;
    const examples = addingProblem({ count: 300, minLength: T, seed: 9 });
    expect(addingProblem({ count: 300, minLength: T, seed: 9 })).toEqual(examples);
    for (const { values, markers, target } of examples) {
      expect(values.length).toBeGreaterThanOrEqual(T);
      expect(values.length).toBeLessThanOrEqual(T + T / 10);
      const marked = [...markers.keys()].filter((i) => markers[i] === 1);
      expect(marked).toHaveLength(2);
      expect(Math.min(...marked)).toBeLessThan(10);
      expect(Math.max(...marked)).toBeLessThan(T / 2 - 1 + 1);
      if (!marked.includes(0)) expect(markers[0]).toBe(-1);
      else expect(values[0]).toBe(0);
      if (!marked.includes(values.length - 1)) expect(markers[values.length - 1]).toBe(-1);
      const ends = [...markers.keys()].filter((i) => markers[i] === -1);
      expect(ends.every((i) => i === 0 || i === values.length - 1)).toBe(true);
      expect(ends.length + marked.length + markers.filter((m) => m === 0).length).toBe(
        values.length,
      );
      expect(target).toBeCloseTo(0.5 + (values[marked[0]!]! + values[marked[1]!]!) / 4, 6);
      expect(values.every((v) => v >= -1 && v <= 1)).toBe(true);
    }
  });

  it('judges a prediction correct when the absolute error is below 0.04', () => {
    expect(addingProblemCorrect(0.53, 0.5)).toBe(true);
    expect(addingProblemCorrect(0.54, 0.5)).toBe(false);
    expect(() => addingProblem({ count: 1, minLength: 5 })).toThrow(
      'addingProblem: minLength must be an integer ≥ 10, got 5',
    );
  });
});
