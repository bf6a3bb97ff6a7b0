import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  checkLine,
  echoColumn,
  type InputLine,
  type LineModel,
  LineSplitter,
  type PredictLinesOptions,
  predictLines,
} from './predict-lines';

/** A stand-in model: lower-case letters and spaces in, the text upper-cased out. */
function upperCaseModel(batches: string[][] = []): LineModel {
  return {
    tokenize: (text) => Array.from(text),
    knows: (token) => /^[a-z ]$/.test(token),
    predict: (texts) => {
      batches.push([...texts]);
      return texts.map((text) => text.toUpperCase());
    },
  };
}

async function* chunks(...parts: Array<string | Uint8Array>) {
  yield* parts;
}

/** Runs `predictLines` on `parts` and returns the rows written and the messages logged. */
async function run(
  parts: Array<string | Uint8Array>,
  options: PredictLinesOptions = {},
  model = upperCaseModel(),
) {
  let written = '';
  const output = new Writable({
    write: (chunk, _encoding, done) => {
      written += chunk;
      done();
    },
  });
  const messages: string[] = [];
  const summary = await predictLines(chunks(...parts), output, model, {
    log: (message) => messages.push(message),
    ...options,
  });
  expect(written.endsWith('\n')).toBe(true);
  const rows = written.slice(0, -1).split('\n');
  for (const row of rows) expect(row.split('\t'), row).toHaveLength(2);
  return { rows, messages, summary };
}

const line = (text: string, tooLong = false): InputLine => ({ number: 1, text, tooLong });

describe('LineSplitter', () => {
  it('ends lines at \\n and \\r\\n only; a lone \\r stays inside its line', () => {
    const splitter = new LineSplitter(10);
    expect(splitter.push('ab\r\ncd\re\nf')).toEqual([
      { number: 1, text: 'ab', tooLong: false },
      { number: 2, text: 'cd\re', tooLong: false },
    ]);
    expect(splitter.push('g\r')).toEqual([]);
    expect(splitter.push('\n\n')).toEqual([
      { number: 3, text: 'fg', tooLong: false },
      { number: 4, text: '', tooLong: false },
    ]);
    expect(splitter.end()).toEqual([]);
  });

  it('keeps a last line without \\n, and a trailing \\r there', () => {
    const splitter = new LineSplitter(10);
    expect(splitter.push('ab\nxyz\r')).toEqual([{ number: 1, text: 'ab', tooLong: false }]);
    expect(splitter.end()).toEqual([{ number: 2, text: 'xyz\r', tooLong: false }]);
  });

  it('cuts a long line while reading it, however many chunks it spans', () => {
    const splitter = new LineSplitter(5);
    for (let i = 0; i < 1000; i++) expect(splitter.push('a'.repeat(1000))).toEqual([]);
    expect(splitter.held).toBe(6);
    expect(splitter.push('b\nabcde\r\nabcdef\r\nxy')).toEqual([
      { number: 1, text: 'aaaaa', tooLong: true },
      { number: 2, text: 'abcde', tooLong: false }, // exactly the limit, then \r\n
      { number: 3, text: 'abcde', tooLong: true },
    ]);
    expect(splitter.end()).toEqual([{ number: 4, text: 'xy', tooLong: false }]);
    // Only whatever the limit allows is kept: a long last line without \n is cut too.
    splitter.push('z'.repeat(50));
    expect(splitter.end()).toEqual([{ number: 5, text: 'zzzzz', tooLong: true }]);
  });

  it('does not cut a surrogate pair in half', () => {
    const splitter = new LineSplitter(3);
    expect(splitter.push('ab😀c\n')).toEqual([{ number: 1, text: 'ab', tooLong: true }]);
  });
});

describe('echoColumn and checkLine', () => {
  it('escapes \\, TAB and CR so a row has one TAB; a cut line ends in …', () => {
    expect(echoColumn(line('wor\tld'))).toBe('wor\\tld');
    expect(echoColumn(line('a\\t\rb'))).toBe('a\\\\t\\rb');
    expect(echoColumn(line('abc', true))).toBe('abc…');
  });

  it('says why a line is not decoded: too long, empty, unknown characters', () => {
    const model = upperCaseModel();
    expect(checkLine(line('abc', true), model, 3)).toMatchObject({
      problem: 'longer than 3 characters',
    });
    expect(checkLine(line(''), model, 3)).toMatchObject({ problem: 'empty' });
    expect(checkLine(line(' \t '), model, 3)).toMatchObject({ problem: 'empty' });
    expect(checkLine(line('wor\tlé\té'), model, 9)).toMatchObject({
      problem: `not in the model's vocabulary: "\\t" (U+0009), "é" (U+00E9)`,
    });
    expect(checkLine(line('a\rb'), model, 9)).toMatchObject({
      problem: `not in the model's vocabulary: "\\r" (U+000D)`,
    });
    expect(checkLine(line(' two words\t'), model, 20)).toEqual({
      line: line(' two words\t'),
      text: 'two words',
    });
  });

  it('never tokenises a line that is too long', () => {
    const model = { ...upperCaseModel(), tokenize: () => expect.unreachable('tokenized') };
    expect(checkLine(line('abc', true), model, 3)).toMatchObject({
      problem: 'longer than 3 characters',
    });
  });
});

describe('predictLines', () => {
  it('writes one row per line, in order, with empty outputs for lines it cannot take', async () => {
    const long = 'a'.repeat(100_000);
    const { rows, messages, summary } = await run([`hello\n${long}\nwor\tld\n\nzebra\n`]);
    expect(rows).toEqual([
      'hello\tHELLO',
      `${'a'.repeat(100)}…\t`,
      'wor\\tld\t',
      '\t',
      'zebra\tZEBRA',
    ]);
    expect(messages).toEqual([
      'line 2: longer than 100 characters',
      `line 3: not in the model's vocabulary: "\\t" (U+0009)`,
      'line 4: empty',
    ]);
    expect(summary).toEqual({ lines: 5, predicted: 2, skipped: 3 });
  });

  it('keeps the order across batch boundaries, never decoding more than a batch at once', async () => {
    const batches: string[][] = [];
    const input = ['one', 'two', 'X', 'three', '', 'four', 'five', 'six', 'seven', 'éight', 'nine'];
    const { rows, messages } = await run(
      [`${input.join('\n')}\n`],
      { batchSize: 3 },
      upperCaseModel(batches),
    );
    expect(rows).toEqual([
      'one\tONE',
      'two\tTWO',
      'X\t',
      'three\tTHREE',
      '\t',
      'four\tFOUR',
      'five\tFIVE',
      'six\tSIX',
      'seven\tSEVEN',
      'éight\t',
      'nine\tNINE',
    ]);
    expect(messages.map((m) => m.split(':')[0])).toEqual(['line 3', 'line 5', 'line 10']);
    expect(batches).toEqual([
      ['one', 'two'],
      ['three', 'four'],
      ['five', 'six', 'seven'],
      ['nine'],
    ]);
  });

  it('answers each chunk before reading the next, and decodes UTF-8 split across chunks', async () => {
    const batches: string[][] = [];
    const e = new TextEncoder().encode('é'); // two bytes, split below
    const { rows } = await run(
      [
        new TextEncoder().encode('ab\nc'),
        new Uint8Array([e[0]!]),
        new Uint8Array([e[1]!]),
        'd\r\nx',
      ],
      {},
      upperCaseModel(batches),
    );
    expect(rows).toEqual(['ab\tAB', 'céd\t', 'x\tX']);
    expect(batches).toEqual([['ab'], ['x']]);
  });

  it('escapes the output column too, should a model write a TAB or a line end', async () => {
    const model = {
      ...upperCaseModel(),
      predict: (texts: readonly string[]) => texts.map(() => 'a\tb\nc'),
    };
    const { rows } = await run(['ab\n'], {}, model);
    expect(rows).toEqual(['ab\ta\\tb\\nc']);
  });

  it('still writes every row when the model fails, and says why', async () => {
    const model = {
      ...upperCaseModel(),
      predict: () => {
        throw new Error('out of memory');
      },
    };
    const { rows, messages, summary } = await run(['ab\n\ncd\n'], {}, model);
    expect(rows).toEqual(['ab\t', '\t', 'cd\t']);
    expect(messages).toEqual([
      'line 1: decoding failed: out of memory',
      'line 2: empty',
      'line 3: decoding failed: out of memory',
    ]);
    expect(summary).toEqual({ lines: 3, predicted: 0, skipped: 3 });
  });

  it('waits for a slow output instead of piling rows up', async () => {
    let written = '';
    let mostBuffered = 0;
    const output = new Writable({
      highWaterMark: 1,
      write: (chunk, _encoding, done) => {
        mostBuffered = Math.max(mostBuffered, output.writableLength);
        setTimeout(() => {
          written += chunk;
          done();
        }, 1);
      },
    });
    const input = Array.from({ length: 20 }, (_, i) => `${'a'.repeat(i + 1)}\n`); // one a, two, …
    await predictLines(chunks(...input), output, upperCaseModel(), { log: () => {} });
    await new Promise((resolve) => output.end(resolve));
    expect(written.split('\n')).toHaveLength(21);
    // One row (the longest: 20 a, TAB, 20 A, \n) at a time, not all 20 rows (440 characters).
    expect(mostBuffered).toBeLessThanOrEqual(42);
  });
});
