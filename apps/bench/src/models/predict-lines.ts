/**
 * The line handling of `pnpm bench predict`: stdin split on `\n` (and `\r\n`) only, each line
 * checked before it reaches the tokenizer, decoded in bounded batches, and written back as
 * exactly one `input<TAB>output` row per input line, in order.
 */

/**
 * The longest line `predict` decodes, in UTF-16 code units (an emoji counts two). The longest
 * CMUdict word has 28 letters and the dates inputs are shorter than 40 characters; past 100 a
 * line is not a word or a date. A longer line is cut while it is read, so a 100,000-character
 * line costs no more memory than a 100-character one.
 */
export const MAX_LINE_LENGTH = 100;

/**
 * Lines decoded together. Each batch is answered before more input is read, and so is whatever
 * a chunk of input held, so a line typed at a terminal is answered at once.
 */
export const BATCH_SIZE = 64;

export interface InputLine {
  /** 1-based, counting `\n`s. */
  number: number;
  /** The line without its `\n` or `\r\n`; when `tooLong`, only its first `maxLength` units. */
  text: string;
  tooLong: boolean;
}

/** Splits text arriving in chunks into lines, keeping at most `maxLength + 1` units of any line. */
export class LineSplitter {
  private current = '';
  private tooLong = false;
  private count = 0;

  constructor(readonly maxLength = MAX_LINE_LENGTH) {}

  /** Code units held of the line being read: never more than `maxLength + 1`. */
  get held(): number {
    return this.current.length;
  }

  /** The lines that `chunk` completes. */
  push(chunk: string): InputLine[] {
    const lines: InputLine[] = [];
    for (let start = 0; ; ) {
      const end = chunk.indexOf('\n', start);
      this.append(end < 0 ? chunk.slice(start) : chunk.slice(start, end));
      if (end < 0) return lines;
      lines.push(this.finish(true));
      start = end + 1;
    }
  }

  /** The last line, when the input does not end with `\n`. */
  end(): InputLine[] {
    return this.current.length > 0 || this.tooLong ? [this.finish(false)] : [];
  }

  private append(piece: string): void {
    if (this.tooLong) return;
    // One unit more than the limit: the `\r` of a `\r\n` that may follow.
    const room = this.maxLength + 1 - this.current.length;
    this.current += piece.length > room ? piece.slice(0, room) : piece;
    if (piece.length > room) this.tooLong = true;
  }

  private finish(newline: boolean): InputLine {
    let text = this.current;
    if (newline && !this.tooLong && text.endsWith('\r')) text = text.slice(0, -1);
    const tooLong = this.tooLong || text.length > this.maxLength;
    if (tooLong) text = cutAt(text, this.maxLength);
    this.current = '';
    this.tooLong = false;
    return { number: ++this.count, text, tooLong };
  }
}

/** The first `length` units of `text`, without half a surrogate pair at the end. */
function cutAt(text: string, length: number): string {
  const cut = text.slice(0, length);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\r': '\\r', '\n': '\\n' };

/** `\` as `\\`, TAB as `\t`, CR as `\r` and LF as `\n`: a column with no TAB or line end in it. */
export function escapeColumn(text: string): string {
  return text.replace(/[\\\t\r\n]/g, (c) => ESCAPES[c]!);
}

/** The input column, escaped; a line cut at the length limit ends in `…`. */
export function echoColumn(line: InputLine): string {
  return line.tooLong ? `${escapeColumn(line.text)}…` : escapeColumn(line.text);
}

/** What `predictLines` needs from a model. */
export interface LineModel {
  tokenize(text: string): string[];
  /** Whether the model has an embedding for `token` (and would not read it as `<unk>`). */
  knows(token: string): boolean;
  /** One output per text, in order. */
  predict(texts: readonly string[]): string[];
}

/** A line with the trimmed text to decode, or the reason it is not decoded. */
export type CheckedLine = { line: InputLine; text: string } | { line: InputLine; problem: string };

/** Leading and trailing whitespace is ignored; the length is checked before tokenising. */
export function checkLine(line: InputLine, model: LineModel, maxLength: number): CheckedLine {
  if (line.tooLong) return { line, problem: `longer than ${maxLength} characters` };
  const text = line.text.trim();
  const tokens = text.length > 0 ? model.tokenize(text) : [];
  if (tokens.length === 0) return { line, problem: 'empty' };
  const unknown = [...new Set(tokens.filter((token) => !model.knows(token)))];
  if (unknown.length > 0)
    return { line, problem: `not in the model's vocabulary: ${unknown.map(describe).join(', ')}` };
  return { line, text };
}

/** `"\t" (U+0009)`; several-character tokens (symbols) without the code point. */
function describe(token: string): string {
  const points = Array.from(token);
  if (points.length !== 1) return JSON.stringify(token);
  const hex = points[0]!.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `${JSON.stringify(token)} (U+${hex})`;
}

export interface PredictLinesOptions {
  maxLength?: number;
  batchSize?: number;
  /** Where a skipped line is reported, as `line N: why`. Default: stderr. */
  log?: (message: string) => void;
}

export interface PredictSummary {
  lines: number;
  predicted: number;
  skipped: number;
}

/**
 * Reads `input` line by line and writes one `input<TAB>output` row per line, in order; a line it
 * cannot decode gets an empty output column and a message on `log`. At most `batchSize` lines
 * and one chunk of input are held at a time, and `output`'s back-pressure is respected.
 */
export async function predictLines(
  input: AsyncIterable<string | Uint8Array>,
  output: NodeJS.WritableStream,
  model: LineModel,
  options: PredictLinesOptions = {},
): Promise<PredictSummary> {
  const maxLength = options.maxLength ?? MAX_LINE_LENGTH;
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const splitter = new LineSplitter(maxLength);
  const bytes = new TextDecoder(); // invalid UTF-8 becomes U+FFFD, which no vocabulary has
  const summary: PredictSummary = { lines: 0, predicted: 0, skipped: 0 };
  const batch: CheckedLine[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const texts = batch.flatMap((row) => ('text' in row ? [row.text] : []));
    let outputs: string[] = [];
    let failure: string | undefined;
    try {
      outputs = texts.length > 0 ? model.predict(texts) : [];
      if (outputs.length !== texts.length)
        failure = `decoding failed: ${texts.length} inputs, ${outputs.length} outputs`;
    } catch (error) {
      failure = `decoding failed: ${(error as Error).message}`;
    }
    let rows = '';
    let next = 0;
    for (const row of batch) {
      const problem = 'problem' in row ? row.problem : failure;
      const predicted = 'text' in row && failure === undefined ? outputs[next++]! : '';
      if (problem !== undefined) log(`line ${row.line.number}: ${problem}`);
      summary[problem === undefined ? 'predicted' : 'skipped']++;
      rows += `${echoColumn(row.line)}\t${escapeColumn(predicted)}\n`;
    }
    summary.lines += batch.length;
    batch.length = 0;
    if (!output.write(rows)) await new Promise((resolve) => output.once('drain', resolve));
  };
  const take = async (lines: InputLine[]) => {
    for (const line of lines) {
      batch.push(checkLine(line, model, maxLength));
      if (batch.length === batchSize) await flush();
    }
  };

  for await (const chunk of input) {
    await take(
      splitter.push(typeof chunk === 'string' ? chunk : bytes.decode(chunk, { stream: true })),
    );
    await flush();
  }
  await take(splitter.push(bytes.decode()));
  await take(splitter.end());
  await flush();
  return summary;
}
