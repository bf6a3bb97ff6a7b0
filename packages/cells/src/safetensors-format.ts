/**
 * The safetensors file format, checked strictly before anything is allocated:
 *   8 bytes   little-endian u64 N, the header's length
 *   N bytes   UTF-8 JSON: { name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {…} }
 *   rest      the tensors' bytes, little-endian, offsets relative to here, no gaps, no overlaps
 * This file knows dtypes, bytes and typed arrays; `safetensors-header.ts` reads and checks the
 * header, `safetensors.ts` makes tfjs tensors of it all.
 */
import { bfloat16ToFloat, halfToFloat } from './half-precision';

/** The dtypes this package reads and writes. */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'I32' | 'I64';

// A Map, not an object: a dtype read from a file may be `toString` or `__proto__`.
const BYTES_PER_ELEMENT = new Map<SafetensorsDtype, number>([
  ['F32', 4],
  ['F16', 2],
  ['BF16', 2],
  ['I32', 4],
  ['I64', 8],
]);

export const SUPPORTED_DTYPES: readonly SafetensorsDtype[] = [...BYTES_PER_ELEMENT.keys()];

export function isSupportedDtype(name: string): name is SafetensorsDtype {
  return BYTES_PER_ELEMENT.has(name as SafetensorsDtype);
}

export function bytesPerElement(dtype: SafetensorsDtype): number {
  return BYTES_PER_ELEMENT.get(dtype)!;
}

/** Dtypes of the format that exist but are refused by name. */
export const KNOWN_UNSUPPORTED = [
  'F64',
  'F8_E4M3',
  'F8_E5M2',
  'I8',
  'I16',
  'U8',
  'U16',
  'U32',
  'U64',
  'BOOL',
  'C64',
];

/** The format's own cap on the header, which also bounds what a hostile file makes us parse. */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface SafetensorsEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  /** Byte range `[begin, end)` within the data section. */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  /** In the header's order, by name (names come from the file: a Map keeps `__proto__` a name). */
  tensors: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
  /** Where the data section starts in the file: 8 + N. */
  dataStart: number;
}

export function refuse(message: string): never {
  throw new Error(`safetensors: ${message}`);
}

/** At most 64 characters of `text`: a message must not carry a 100 MB name from a file. */
export function short(text: string): string {
  return text.length <= 64 ? text : `${text.slice(0, 64)}… (${text.length} characters)`;
}

export function quote(name: string): string {
  return `'${short(name)}'`;
}

/**
 * `record[name] = value` as an own, enumerable property, even for `__proto__`, whose plain
 * assignment would replace the record's prototype instead of adding a key.
 */
export function defineEntry<T>(record: Record<string, T>, name: string, value: T): void {
  Object.defineProperty(record, name, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A copy of an entry's bytes, aligned, so typed arrays can view it. */
function copyBytes(
  bytes: Uint8Array,
  header: SafetensorsHeader,
  entry: SafetensorsEntry,
): ArrayBuffer {
  const [begin, end] = entry.dataOffsets;
  // A fresh copy: a Node Buffer's slice() is a view into a shared pool, not a copy.
  const copy = new Uint8Array(end - begin);
  copy.set(bytes.subarray(header.dataStart + begin, header.dataStart + end));
  return copy.buffer;
}

/**
 * The values of one entry as float32 (F32, F16, BF16) or int32 (I32, and I64 when every value
 * fits; otherwise refused, since tfjs has no int64).
 */
export function readEntryValues(
  bytes: Uint8Array,
  header: SafetensorsHeader,
  name: string,
  entry: SafetensorsEntry,
): Float32Array | Int32Array {
  const buffer = copyBytes(bytes, header, entry);
  const view = new DataView(buffer);
  const count = buffer.byteLength / bytesPerElement(entry.dtype);
  switch (entry.dtype) {
    case 'F32':
      return littleEndianHost
        ? new Float32Array(buffer)
        : Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
    case 'I32':
      return littleEndianHost
        ? new Int32Array(buffer)
        : Int32Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true));
    case 'F16':
      return Float32Array.from({ length: count }, (_, i) =>
        halfToFloat(view.getUint16(i * 2, true)),
      );
    case 'BF16':
      return Float32Array.from({ length: count }, (_, i) =>
        bfloat16ToFloat(view.getUint16(i * 2, true)),
      );
    case 'I64': {
      const values = new Int32Array(count);
      for (let i = 0; i < count; i++) values[i] = int64AsInt32(view, i, name);
      return values;
    }
  }
}

/**
 * Refuses the file if `entry` holds a value tfjs cannot: an I64 outside int32 (tfjs has no
 * int64). Reads the file in place and allocates nothing, so every entry can be checked before
 * the first tensor is made.
 */
export function checkEntryValues(
  bytes: Uint8Array,
  header: SafetensorsHeader,
  name: string,
  entry: SafetensorsEntry,
): void {
  if (entry.dtype !== 'I64') return;
  const [begin, end] = entry.dataOffsets;
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataStart + begin, end - begin);
  for (let i = 0; i < view.byteLength / 8; i++) int64AsInt32(view, i, name);
}

function int64AsInt32(view: DataView, index: number, name: string): number {
  const value = view.getBigInt64(index * 8, true);
  if (value > 2147483647n || value < -2147483648n) {
    refuse(
      `tensor ${quote(name)} (I64) holds ${value} at index ${index}, outside int32, the widest integer tfjs has`,
    );
  }
  return Number(value);
}

/** One tensor to write: its dtype in the file, shape and raw little-endian bytes. */
export interface SafetensorsWriteEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Uint8Array;
}

/**
 * Lays out a file: header padded with spaces to 8 bytes (as the reference writer does), then
 * data, in name order. `entries` must not hold `__metadata__`, the format's name for `metadata`.
 */
export function writeSafetensors(
  entries: Map<string, SafetensorsWriteEntry>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const names = [...entries.keys()].sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const { dtype, shape, data } = entries.get(name)!;
    defineEntry(header, name, { dtype, shape, data_offsets: [offset, offset + data.byteLength] });
    offset += data.byteLength;
  }
  let headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(headerBytes.length / 8) * 8;
  if (padded !== headerBytes.length) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(headerBytes);
    headerBytes = withSpaces;
  }
  const file = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(file.buffer).setUint32(0, headerBytes.length, true);
  file.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const name of names) {
    const { data } = entries.get(name)!;
    file.set(data, position);
    position += data.byteLength;
  }
  return file;
}
