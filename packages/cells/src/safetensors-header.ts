/**
 * The safetensors header, read from untrusted bytes and checked strictly before anything is
 * allocated (the layout is described in `safetensors-format.ts`). Names come from the file, so
 * they are kept in a `Map` (a tensor called `__proto__` or `constructor` is a name like any
 * other), and every refusal is an `Error` starting with `safetensors: `, never a `RangeError`
 * or `TypeError` from deep inside.
 */
import {
  bytesPerElement,
  isSupportedDtype,
  KNOWN_UNSUPPORTED,
  MAX_HEADER_BYTES,
  quote,
  refuse,
  type SafetensorsEntry,
  type SafetensorsHeader,
  SUPPORTED_DTYPES,
  short,
} from './safetensors-format';

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
  refuseDuplicateKeys(text);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = readMetadata(raw);
    } else {
      tensors.set(name, readEntry(name, raw, dataLength));
    }
  }
  checkLayout(tensors, dataLength);
  return { tensors, metadata, dataStart };
}

/**
 * `JSON.parse` silently keeps the last of repeated keys, so a header naming a tensor twice (or
 * giving an entry two dtypes) would load one of two meanings. Scans `text`, which is valid JSON,
 * without recursion (a hostile header may nest a million levels).
 */
function refuseDuplicateKeys(text: string): void {
  const open: Array<Set<string> | null> = []; // a Set of keys per open object, null per array
  let expectKey = false;
  let tensorName = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let end = i + 1;
      let escaped = false;
      for (let d = text.charCodeAt(end); d !== 0x22; d = text.charCodeAt(end)) {
        if (d === 0x5c /* \ */) {
          escaped = true;
          end++;
        }
        end++;
      }
      const keys = open[open.length - 1];
      if (expectKey && keys) {
        const key = escaped
          ? (JSON.parse(text.slice(i, end + 1)) as string)
          : text.slice(i + 1, end);
        if (keys.has(key)) {
          if (open.length === 1 && key === '__metadata__') refuse('header has __metadata__ twice');
          if (open.length === 1) refuse(`header names tensor ${quote(key)} twice`);
          refuse(`header gives key ${quote(key)} twice within ${quote(tensorName)}`);
        }
        keys.add(key);
        if (open.length === 1) tensorName = key;
        expectKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */) {
      open.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      open.push(null);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      open.pop();
    } else if (c === 0x2c /* , */) {
      expectKey = open[open.length - 1] !== null;
    }
  }
}

function readMetadata(raw: unknown): Record<string, string> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    refuse(`__metadata__ must be an object of strings, got ${describe(raw)}`);
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value !== 'string')
      refuse(`__metadata__.${short(key)} must be a string, got ${typeof value}`);
  }
  // Spreading defines own properties, so a key `__proto__` stays a key.
  return { ...(raw as Record<string, string>) };
}

function readEntry(name: string, raw: unknown, dataLength: number): SafetensorsEntry {
  const where = `tensor ${quote(name)}`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    refuse(`${where} must be an object, got ${describe(raw)}`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string') refuse(`${where} has no dtype`);
  if (!isSupportedDtype(dtype)) {
    const known = KNOWN_UNSUPPORTED.includes(dtype) ? 'not supported' : 'not a safetensors dtype';
    refuse(
      `${where} has dtype ${short(dtype)}, which is ${known} (supported: ${SUPPORTED_DTYPES.join(', ')})`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    refuse(`${where} has shape ${describe(shape)}, expected an array of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    refuse(`${where} has data_offsets ${describe(offsets)}, expected [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) refuse(`${where} has data_offsets [${begin}, ${end}] with begin after end`);
  if (end > dataLength)
    refuse(
      `${where} ends at byte ${end}, past the data section's ${dataLength} bytes (file truncated?)`,
    );
  const needed = byteLength(bytesPerElement(dtype), shape as number[]);
  if (needed !== end - begin) {
    const needs = Number.isFinite(needed) ? `${needed} bytes` : 'over 2^53 bytes';
    refuse(
      `${where} of dtype ${dtype} and shape ${describe(shape)} needs ${needs}, its offsets span ${end - begin}`,
    );
  }
  return { dtype, shape: shape as number[], dataOffsets: [begin, end] };
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
function checkLayout(tensors: Map<string, SafetensorsEntry>, dataLength: number): void {
  // By begin, then end: an empty tensor at [4, 4] comes before the one at [4, 8], whatever the
  // order of the header.
  const ordered = [...tensors].sort(
    ([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1],
  );
  let position = 0;
  let previous = '';
  for (const [name, { dataOffsets }] of ordered) {
    const [begin, end] = dataOffsets;
    if (begin < position)
      refuse(
        `tensor ${quote(name)} at bytes [${begin}, ${end}) overlaps tensor ${quote(previous)}`,
      );
    if (begin > position)
      refuse(
        `data section has a gap at bytes [${position}, ${begin}) before tensor ${quote(name)}`,
      );
    position = end;
    previous = name;
  }
  if (position !== dataLength)
    refuse(`data section has ${dataLength - position} bytes after the last tensor`);
}

/** A JSON value in a few words, without `JSON.stringify` (which overflows on deep nesting). */
function describe(value: unknown): string {
  if (Array.isArray(value)) {
    const flat = value.length <= 16 && value.every((v) => typeof v === 'number');
    if (flat) return `[${value.join(', ')}]`;
    return `an array of ${value.length} ${value.length === 1 ? 'item' : 'items'}`;
  }
  if (typeof value === 'string') return JSON.stringify(short(value));
  if (value === null || typeof value !== 'object') return String(value);
  return 'an object';
}
