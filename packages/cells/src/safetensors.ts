import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { floatToBfloat16, floatToHalf } from './half-precision';
import {
  checkEntryValues,
  defineEntry,
  readEntryValues,
  type SafetensorsWriteEntry,
  writeSafetensors,
} from './safetensors-format';
import { parseSafetensorsHeader } from './safetensors-header';

/**
 * Reads a safetensors file (as written by `safetensors.torch.save_file(model.state_dict(), …)`)
 * into tensors: F32, F16 and BF16 become float32; I32, and I64 within int32, become int32.
 * Every other dtype, and any malformed file, is refused with an `Error` before any tensor is
 * allocated. Names are kept as they are: a tensor called `__proto__` is an own key of the result.
 * The tensors are the caller's to dispose.
 *
 * @example
 * const dict = decodeSafetensors(await readFile('lstm.safetensors'));
 * lstm.loadStateDict(dict);
 * tf.dispose(Object.values(dict));
 */
export function decodeSafetensors(bytes: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const header = parseSafetensorsHeader(view);
  // Checked in place first, so an I64 out of range in the last tensor refuses the file with no
  // tensor made; and should the backend fail to allocate one, none is left behind.
  for (const [name, entry] of header.tensors) checkEntryValues(view, header, name, entry);
  const record: Record<string, Tensor> = {};
  try {
    for (const [name, entry] of header.tensors) {
      const values = readEntryValues(view, header, name, entry);
      const dtype = values instanceof Int32Array ? 'int32' : 'float32';
      defineEntry(record, name, tf.tensor(values, entry.shape, dtype));
    }
  } catch (error) {
    tf.dispose(Object.values(record));
    throw error;
  }
  return record;
}

/** The `__metadata__` strings of a safetensors file, checked like `decodeSafetensors` checks it. */
export function readSafetensorsMetadata(bytes: Uint8Array | ArrayBuffer): Record<string, string> {
  return parseSafetensorsHeader(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes))
    .metadata;
}

/** Options of `encodeSafetensors`: the header's metadata strings and the dtype floats are stored as. */
export interface EncodeSafetensorsOptions {
  /** String key/value pairs stored as `__metadata__`. */
  metadata?: Record<string, string>;
  /**
   * How float32 tensors are stored. Default `'F32'` (exact); `'F16'` and `'BF16'` halve the file
   * for shipping models to a web page, at 3 and 2 significant digits.
   */
  floatDtype?: 'F32' | 'F16' | 'BF16';
}

/**
 * Writes tensors as a safetensors file that PyTorch's `safetensors.torch.load_file` reads:
 * float32 as F32 (or `floatDtype`), int32 as I32. Names are sorted, so equal inputs give equal
 * bytes. Reads each tensor synchronously (`dataSync`).
 */
export function encodeSafetensors(
  record: Record<string, Tensor>,
  options: EncodeSafetensorsOptions = {},
): Uint8Array {
  const floatDtype = options.floatDtype ?? 'F32';
  for (const [key, value] of Object.entries(options.metadata ?? {})) {
    if (typeof value !== 'string') {
      throw new Error(`encodeSafetensors: metadata.${key} must be a string, got ${typeof value}`);
    }
  }
  // A Map, since names are the caller's: `entries['__proto__'] = …` would drop the tensor.
  const entries = new Map<string, SafetensorsWriteEntry>();
  for (const [name, tensor] of Object.entries(record)) {
    if (name === '__metadata__') {
      throw new Error(
        "encodeSafetensors: a tensor cannot be named '__metadata__', the format's name for metadata",
      );
    }
    if (!(tensor instanceof tf.Tensor) || tensor.isDisposed) {
      throw new Error(`encodeSafetensors: '${name}' must be a live tf.Tensor`);
    }
    const shape = [...tensor.shape];
    if (tensor.dtype === 'int32') {
      entries.set(name, { dtype: 'I32', shape, data: bytesOf(tensor.dataSync() as Int32Array) });
    } else if (tensor.dtype === 'float32') {
      const data = encodeFloats(tensor.dataSync() as Float32Array, floatDtype);
      entries.set(name, { dtype: floatDtype, shape, data });
    } else {
      throw new Error(
        `encodeSafetensors: '${name}' has dtype ${tensor.dtype}; only float32 and int32 are written`,
      );
    }
  }
  return writeSafetensors(entries, options.metadata);
}

function bytesOf(values: Float32Array | Int32Array | Uint16Array): Uint8Array {
  const copy = values.slice();
  return new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength);
}

function encodeFloats(values: Float32Array, dtype: 'F32' | 'F16' | 'BF16'): Uint8Array {
  if (dtype === 'F32') return bytesOf(values);
  const narrow = dtype === 'F16' ? floatToHalf : floatToBfloat16;
  return bytesOf(Uint16Array.from(values, narrow));
}
