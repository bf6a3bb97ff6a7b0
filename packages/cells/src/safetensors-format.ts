/**
 * The safetensors file format, checked strictly before anything is allocated:
 *   8 bytes   little-endian u64 N, the header's length
 *   N bytes   UTF-8 JSON: { name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {…} }
 *   rest      the tensors' bytes, little-endian, offsets relative to here, no gaps, no overlaps
 * This file knows bytes and typed arrays only; `safetensors.ts` makes tfjs tensors of them.
 */
import { bfloat16ToFloat, halfToFloat } from './half-precision';

/** The dtypes this package reads and writes. */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'I32' | 'I64';

const BYTES_PER_ELEMENT: Record<SafetensorsDtype, number> = {
  F32: 4,
  F16: 2,
  BF16: 2,
  I32: 4,
  I64: 8,
};

/** Dtypes of the format that exist but are refused by name. */
const KNOWN_UNSUPPORTED = [
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
  tensors: Record<string, SafetensorsEntry>;
  metadata: Record<string, string>;
  /** Where the data section starts in the file: 8 + N. */
  dataStart: number;
}

function refuse(message: string): never {
  throw new Error(`safetensors: ${message}`);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Reads and checks the header of `bytes`; every problem is an `Error` naming what is wrong. */
export function parseSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
  if (bytes.length < 8)
    refuse(`file is truncated: ${bytes.length} bytes, the 8-byte header length is missing`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const headerLength = high * 2 ** 32 + low;
  if (headerLength > MAX_HEADER_BYTES)
    refuse(`header length ${headerLength} exceeds the format's limit of ${MAX_HEADER_BYTES} bytes`);
  if (headerLength > bytes.length - 8) {
    refuse(
      `header length ${headerLength} runs past the end of the file (${bytes.length - 8} bytes follow)`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    refuse('header is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    refuse(`header is not valid JSON (${(error as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    refuse('header must be a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors: Record<string, SafetensorsEntry> = {};
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = readMetadata(raw);
    } else {
      tensors[name] = readEntry(name, raw, dataLength);
    }
  }
  checkLayout(tensors, dataLength);
  return { tensors, metadata, dataStart };
}

function readMetadata(raw: unknown): Record<string, string> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    refuse('__metadata__ must be an object of strings');
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value !== 'string')
      refuse(`__metadata__.${key} must be a string, got ${typeof value}`);
  }
  return { ...(raw as Record<string, string>) };
}

function readEntry(name: string, raw: unknown, dataLength: number): SafetensorsEntry {
  const where = `tensor '${name}'`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    refuse(`${where} must be an object`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string') refuse(`${where} has no dtype`);
  if (!(dtype in BYTES_PER_ELEMENT)) {
    const supported = Object.keys(BYTES_PER_ELEMENT).join(', ');
    const known = KNOWN_UNSUPPORTED.includes(dtype) ? 'not supported' : 'not a safetensors dtype';
    refuse(`${where} has dtype ${dtype}, which is ${known} (supported: ${supported})`);
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    refuse(
      `${where} has shape ${JSON.stringify(shape)}, expected an array of non-negative integers`,
    );
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    refuse(`${where} has data_offsets ${JSON.stringify(offsets)}, expected [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) refuse(`${where} has data_offsets [${begin}, ${end}] with begin after end`);
  if (end > dataLength)
    refuse(
      `${where} ends at byte ${end}, past the data section's ${dataLength} bytes (file truncated?)`,
    );
  const needed = byteLength(BYTES_PER_ELEMENT[dtype as SafetensorsDtype], shape as number[]);
  if (needed !== end - begin) {
    const needs = Number.isFinite(needed) ? `${needed} bytes` : 'over 2^53 bytes';
    refuse(
      `${where} of dtype ${dtype} and shape [${shape}] needs ${needs}, its offsets span ${end - begin}`,
    );
  }
  return { dtype: dtype as SafetensorsDtype, shape: shape as number[], dataOffsets: [begin, end] };
}

/**
 * Bytes a tensor of `shape` needs, exact up to 2^53 and `Infinity` past it, so a hostile shape
 * cannot overflow into a plausible size. A 0 anywhere makes the size 0, even after dimensions
 * whose product is past the cap.
 */
function byteLength(itemSize: number, shape: readonly number[]): number {
  if (shape.includes(0)) return 0;
  let bytes = itemSize;
  for (const dim of shape) {
    bytes *= dim;
    if (bytes > Number.MAX_SAFE_INTEGER) return Number.POSITIVE_INFINITY; // dims ≥ 1: only grows
  }
  return bytes;
}

/** The data section must be exactly covered by the tensors: no overlaps, no gaps, nothing after. */
function checkLayout(tensors: Record<string, SafetensorsEntry>, dataLength: number): void {
  // By begin, then end: an empty tensor at [4, 4] comes before the one at [4, 8], whatever the
  // order of the header.
  const ordered = Object.entries(tensors).sort(
    ([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1],
  );
  let position = 0;
  let previous = '';
  for (const [name, { dataOffsets }] of ordered) {
    const [begin, end] = dataOffsets;
    if (begin < position)
      refuse(`tensor '${name}' at bytes [${begin}, ${end}) overlaps tensor '${previous}'`);
    if (begin > position)
      refuse(`data section has a gap at bytes [${position}, ${begin}) before tensor '${name}'`);
    position = end;
    previous = name;
  }
  if (position !== dataLength)
    refuse(`data section has ${dataLength - position} bytes after the last tensor`);
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
): Float32Array | Int32Array {
  const entry = header.tensors[name]!;
  const buffer = copyBytes(bytes, header, entry);
  const view = new DataView(buffer);
  const count = buffer.byteLength / BYTES_PER_ELEMENT[entry.dtype];
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
      for (let i = 0; i < count; i++) {
        const value = view.getBigInt64(i * 8, true);
        if (value > 2147483647n || value < -2147483648n) {
          refuse(
            `tensor '${name}' (I64) holds ${value} at index ${i}, outside int32, the widest integer tfjs has`,
          );
        }
        values[i] = Number(value);
      }
      return values;
    }
  }
}

/** One tensor to write: its dtype in the file, shape and raw little-endian bytes. */
export interface SafetensorsWriteEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Uint8Array;
}

/** Lays out a file: header padded with spaces to 8 bytes (as the reference writer does), then data. */
export function writeSafetensors(
  entries: Record<string, SafetensorsWriteEntry>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const names = Object.keys(entries).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const { dtype, shape, data } = entries[name]!;
    header[name] = { dtype, shape, data_offsets: [offset, offset + data.byteLength] };
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
    file.set(entries[name]!.data, position);
    position += entries[name]!.data.byteLength;
  }
  return file;
}
