import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/fixtures';
import { decodeSafetensors } from './safetensors';

/** Builds a file from a header object (or raw header text) and a data section. */
function fileOf(
  header: unknown,
  data: Uint8Array = new Uint8Array(0),
  lengthOverride?: number,
): Uint8Array {
  const text = new TextEncoder().encode(
    typeof header === 'string' ? header : JSON.stringify(header),
  );
  const file = new Uint8Array(8 + text.length + data.length);
  new DataView(file.buffer).setUint32(0, lengthOverride ?? text.length, true);
  file.set(text, 8);
  file.set(data, 8 + text.length);
  return file;
}

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

describe('decodeSafetensors refuses malformed files with a clear Error', () => {
  const cases: Array<[string, Uint8Array, string]> = [
    ['fewer than 8 bytes', new Uint8Array(5), 'file is truncated: 5 bytes'],
    [
      'a header longer than the file',
      fileOf({}, new Uint8Array(0), 4096),
      'header length 4096 runs past the end of the file',
    ],
    ['a header over 100 MB', fileOf({}, new Uint8Array(0), 0xffffffff), 'exceeds the format'],
    ['a header that is not JSON', fileOf('{"a": '), 'header is not valid JSON'],
    ['a header that is an array', fileOf([1, 2]), 'header must be a JSON object'],
    [
      'invalid UTF-8',
      fileOf('\uD800'.replace(/./, '\u00ff')).map((b, i) => (i === 8 ? 0xff : b)),
      'header is not valid UTF-8',
    ],
    [
      'an unsupported dtype, named',
      fileOf({ w: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)),
      "tensor 'w' has dtype F64, which is not supported (supported: F32, F16, BF16, I32, I64)",
    ],
    [
      'an unknown dtype',
      fileOf({ w: { dtype: 'Q7', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)),
      'dtype Q7, which is not a safetensors dtype',
    ],
    [
      'a negative dimension',
      fileOf({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32([1])),
      'expected an array of non-negative integers',
    ],
    [
      'offsets that do not match the shape',
      fileOf({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32([1, 2])),
      'needs 12 bytes, its offsets span 8',
    ],
    [
      'data cut short',
      fileOf({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32([1, 2])),
      'past the data section',
    ],
    [
      'overlapping tensors',
      fileOf(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
        },
        f32([1, 2, 3]),
      ),
      'overlaps',
    ],
    [
      'a gap in the data',
      fileOf({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32([1, 2])),
      'gap at bytes [0, 4)',
    ],
    [
      'bytes after the last tensor',
      fileOf({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32([1, 2])),
      '4 bytes after the last tensor',
    ],
    [
      'a huge shape that would overflow',
      fileOf(
        { a: { dtype: 'F32', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 4] } },
        f32([1]),
      ),
      "tensor 'a'",
    ],
    [
      'a dtype Object.prototype has (toString)',
      fileOf({ w: { dtype: 'toString', shape: [1], data_offsets: [0, 4] } }, f32([1])),
      "tensor 'w' has dtype toString, which is not a safetensors dtype (supported: F32, F16, BF16, I32, I64)",
    ],
    [
      'a tensor named twice (JSON.parse would keep the last)',
      fileOf(
        `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"\\u0061":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`,
        f32([1]),
      ),
      "header names tensor 'a' twice",
    ],
    [
      'an entry with two dtypes',
      fileOf('{"a":{"dtype":"I32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f32([1])),
      "header gives key 'dtype' twice within 'a'",
    ],
    [
      'a shape nested too deep to print',
      fileOf(
        `{"w":{"dtype":"F32","shape":${'['.repeat(20_000)}${']'.repeat(20_000)},"data_offsets":[0,4]}}`,
        f32([1]),
      ),
      "tensor 'w' has shape an array of 1 item, expected an array of non-negative integers",
    ],
    ['non-string metadata', fileOf({ __metadata__: { n: 1 } }), '__metadata__.n must be a string'],
    [
      'an I64 outside int32',
      fileOf(
        { a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } },
        new Uint8Array(new BigInt64Array([2n ** 40n]).buffer),
      ),
      "tensor 'a' (I64) holds 1099511627776",
    ],
  ];
  it.each(cases)('%s', async (_name, bytes, message) => {
    await expectNoLeaks(() => {
      let error: unknown;
      try {
        decodeSafetensors(bytes);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).constructor).toBe(Error); // not a RangeError from deep inside
      expect((error as Error).message).toMatch(/^safetensors: /);
      expect((error as Error).message).toContain(message);
    });
  });

  it('allocates nothing when a later tensor is refused', async () => {
    const data = new Uint8Array(12);
    data.set(f32([1]));
    data.set(new Uint8Array(new BigInt64Array([2n ** 40n]).buffer), 4);
    const bytes = fileOf(
      {
        a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
        b: { dtype: 'I64', shape: [1], data_offsets: [4, 12] },
      },
      data,
    );
    await expectNoLeaks(() => {
      expect(() => decodeSafetensors(bytes)).toThrow("tensor 'b' (I64) holds 1099511627776");
    });
  });
});

describe('decodeSafetensors reads every layout the format allows', () => {
  it('accepts an empty tensor listed after the tensor that starts where it does', async () => {
    const bytes = fileOf(
      {
        a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
        empty: { dtype: 'F32', shape: [0], data_offsets: [0, 0] },
      },
      f32([5]),
    );
    await expectNoLeaks(() => {
      const dict = decodeSafetensors(bytes);
      expect([dict.a!.arraySync(), dict.empty!.shape]).toEqual([[5], [0]]);
      tf.dispose(Object.values(dict));
    });
  });
});
