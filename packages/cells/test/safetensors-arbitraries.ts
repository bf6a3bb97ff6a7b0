/**
 * fast-check arbitraries for the safetensors property tests (test-only: nothing in the package
 * imports this file): names, valid files made raw, and mutations of them.
 */
import fc from 'fast-check';
import type { SafetensorsDtype } from '../src/safetensors-format';

export const ITEM_BYTES: Record<SafetensorsDtype, number> = {
  F32: 4,
  F16: 2,
  BF16: 2,
  I32: 4,
  I64: 8,
};
export const DTYPES = Object.keys(ITEM_BYTES) as SafetensorsDtype[];
export const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Names a file may hold, the awkward ones often: prototype keys, odd unicode, escapes. */
export const nameArb = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '', '1', 'a.b'),
  fc.constantFrom('é', 'e\u0301', '😀', '\u0000', '"\\', '\ud800', '\u2028'),
);
export const namesArb = (maxLength: number) =>
  fc.uniqueArray(nameArb, { maxLength }).map((names) => names.filter((n) => n !== '__metadata__'));

/** A valid file of up to four tensors of every dtype (I64 values within int32). */
export const validFileArb = namesArb(4).chain((names) =>
  fc
    .tuple(
      ...names.map(() =>
        fc
          .record({
            dtype: fc.constantFrom(...DTYPES),
            shape: fc.array(fc.nat(4), { maxLength: 3 }),
          })
          .chain(({ dtype, shape }) => {
            const count = product(shape);
            const data =
              dtype === 'I64'
                ? fc
                    .array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), {
                      minLength: count,
                      maxLength: count,
                    })
                    .map((vs) => new Uint8Array(BigInt64Array.from(vs, BigInt).buffer))
                : fc.uint8Array({
                    minLength: count * ITEM_BYTES[dtype],
                    maxLength: count * ITEM_BYTES[dtype],
                  });
            return data.map((bytes) => ({ dtype, shape, data: bytes }));
          }),
      ),
    )
    .map((entries) => {
      // Written here, not by the writer under test: data in the order of the names, no padding.
      const fields: string[] = [];
      const data = new Uint8Array(entries.reduce((total, entry) => total + entry.data.length, 0));
      let offset = 0;
      entries.forEach((entry, i) => {
        const { dtype, shape } = entry;
        const header = { dtype, shape, data_offsets: [offset, offset + entry.data.length] };
        fields.push(`${JSON.stringify(names[i])}:${JSON.stringify(header)}`);
        data.set(entry.data, offset);
        offset += entry.data.length;
      });
      return join(`{${fields.join(',')}}`, data);
    }),
);

/** The header text and data section of a file (the length field read as u32). */
export function split(file: Uint8Array): { text: string; data: Uint8Array } {
  const length = new DataView(file.buffer, file.byteOffset).getUint32(0, true);
  return {
    text: new TextDecoder().decode(file.subarray(8, 8 + length)),
    data: file.subarray(8 + length),
  };
}

/** A file of `text` and `data`, with `length` (default: the text's) as the header length. */
export function join(text: string, data: Uint8Array, length?: number): Uint8Array {
  const header = new TextEncoder().encode(text);
  const file = new Uint8Array(8 + header.length + data.length);
  const view = new DataView(file.buffer);
  view.setUint32(0, (length ?? header.length) % 2 ** 32, true);
  view.setUint32(4, Math.floor((length ?? header.length) / 2 ** 32), true);
  file.set(header, 8);
  file.set(data, 8 + header.length);
  return file;
}

/** A header as (key, raw JSON) pairs, so edits can repeat keys and write invalid JSON. */
type Pairs = Array<[string, string | Array<[string, string]>]>;
const toPairs = (text: string): Pairs =>
  Object.entries(JSON.parse(text) as Record<string, Record<string, unknown>>).map(([k, v]) => [
    k,
    Object.entries(v).map(([f, x]) => [f, JSON.stringify(x)] as [string, string]),
  ]);
const fromPairs = (pairs: Pairs) =>
  `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${typeof v === 'string' ? v : `{${v.map(([f, x]) => `${JSON.stringify(f)}:${x}`).join(',')}}`}`).join(',')}}`;

/** A JSON value (as text) where a dtype, shape or offsets belong: plausible, huge, wrong, deep. */
const rawValueArb = fc.oneof(
  fc
    .constantFrom(...DTYPES, 'F64', 'U8', 'toString', '__proto__', 'constructor', '')
    .map((d) => JSON.stringify(d)),
  fc.array(fc.nat(6), { maxLength: 4 }).map((a) => JSON.stringify(a)),
  fc
    .tuple(fc.integer({ min: -2, max: 96 }), fc.integer({ min: -2, max: 96 }))
    .map((a) => JSON.stringify(a)),
  fc
    .array(fc.constantFrom(-1, -0, 0.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 64, 1e308, 0, 3), {
      maxLength: 4,
    })
    .map((a) => JSON.stringify(a)),
  fc.constantFrom(
    '1e400',
    '-1e400',
    '9007199254740993',
    'null',
    'true',
    '{}',
    '[]',
    '"x"',
    '[[1]]',
    '[0,1e20]',
  ),
  fc.integer({ min: 1, max: 30_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
);

/** One edit of a header; indices are taken modulo the number of entries. */
const editArb = fc.oneof(
  fc.record({
    op: fc.constant('set' as const),
    at: fc.nat(),
    field: fc.constantFrom('dtype', 'shape', 'data_offsets'),
    raw: rawValueArb,
  }),
  fc.record({
    op: fc.constant('drop field' as const),
    at: fc.nat(),
    field: fc.constantFrom('dtype', 'shape', 'data_offsets'),
  }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('rename' as const), at: fc.nat(), name: nameArb }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), raw: rawValueArb }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('metadata' as const),
    raw: fc.oneof(
      rawValueArb,
      fc.constantFrom('{"a":"b"}', '{"__proto__":"x"}', '{"a":"b","a":"c"}'),
    ),
  }),
);
type Edit = typeof editArb extends fc.Arbitrary<infer E> ? E : never;

function applyEdit(pairs: Pairs, edit: Edit): void {
  if (edit.op === 'metadata') {
    pairs.unshift(['__metadata__', edit.raw]);
    return;
  }
  if (pairs.length === 0) return;
  const i = edit.at % pairs.length;
  const [name, entry] = pairs[i]!;
  const fields = typeof entry === 'string' ? [] : entry;
  if (edit.op === 'set')
    pairs[i] = [name, [...fields.filter(([f]) => f !== edit.field), [edit.field, edit.raw]]];
  else if (edit.op === 'drop field') pairs[i] = [name, fields.filter(([f]) => f !== edit.field)];
  else if (edit.op === 'duplicate') pairs.splice(i, 0, [name, entry]);
  else if (edit.op === 'rename') pairs[i] = [edit.name, entry];
  else if (edit.op === 'replace') pairs[i] = [name, edit.raw];
  else pairs.splice(i, 1);
}

/** A last, textual blow: none, or a character cut, inserted or replaced, or the text cut short. */
const textEditArb = fc.option(
  fc.tuple(
    fc.constantFrom('cut', 'insert', 'replace', 'truncate'),
    fc.nat(),
    fc.constantFrom('{', '}', '"', ',', ':', '[', '\\', '0', 'é'),
  ),
  { freq: 2 },
);
/** The length field: right, a little off, or huge (NaN stands for 2^40 + 3). */
const lengthEditArb = fc.option(
  fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(Number.NaN)),
  { freq: 3 },
);
const dataEditArb = fc.option(fc.integer({ min: -8, max: 8 }), { freq: 3 });

/** A textual blow to the header: a character cut, inserted or replaced, or the text cut short. */
function editText(text: string, [how, at, char]: [string, number, string]): string {
  const i = at % (text.length + 1);
  if (how === 'cut') return text.slice(0, i) + text.slice(i + 1);
  if (how === 'insert') return text.slice(0, i) + char + text.slice(i);
  if (how === 'replace') return text.slice(0, i) + char + text.slice(i + 1);
  return text.slice(0, i);
}

/**
 * A valid file, then 1-3 header edits (offsets, shapes, dtypes, names twice or renamed, huge
 * numbers, deep nesting, metadata), maybe a textual blow (broken JSON), maybe a wrong length
 * field, maybe a data section cut or grown by up to 8 bytes.
 */
export const mutatedFileArb = fc
  .tuple(
    validFileArb,
    fc.array(editArb, { minLength: 1, maxLength: 3 }),
    textEditArb,
    lengthEditArb,
    dataEditArb,
  )
  .map(([file, edits, textEdit, lengthEdit, dataEdit]) => {
    const { text, data } = split(file);
    const pairs = toPairs(text);
    for (const edit of edits) applyEdit(pairs, edit);
    const edited = textEdit ? editText(fromPairs(pairs), textEdit) : fromPairs(pairs);
    let newData = data;
    if (dataEdit !== null && dataEdit < 0) newData = data.subarray(0, data.length + dataEdit);
    if (dataEdit !== null && dataEdit > 0)
      newData = new Uint8Array([...data, ...Array(dataEdit).fill(0)]);
    const length = new TextEncoder().encode(edited).length;
    let lengthField = length;
    if (lengthEdit !== null)
      lengthField = Number.isNaN(lengthEdit) ? 2 ** 40 + 3 : Math.max(0, length + lengthEdit);
    return join(edited, newData, lengthField);
  });
