import type { Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expectNoLeaks,
  maxAbsDiff,
  readFixture,
  readFixtureBytes,
  type TensorJson,
  toTensor,
} from '../test/fixtures';
import { LSTM } from './lstm';
import { decodeSafetensors, encodeSafetensors, readSafetensorsMetadata } from './safetensors';

interface SafetensorsFixture {
  lstm: Record<'x' | 'output' | 'hN' | 'cN', TensorJson>;
  dtypes: {
    f16: Array<number | string>;
    bf16: Array<number | string>;
    source: Array<number | string>;
  };
}
const fixture = readFixture<SafetensorsFixture>('torch-safetensors.json');

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

describe('a PyTorch state_dict saved as safetensors', () => {
  it('loads into the matching LSTM unchanged and reproduces PyTorch’s outputs', async () => {
    const bytes = readFixtureBytes('lstm-2layer-bidirectional.safetensors');
    const lstm = new LSTM({
      inputSize: 7,
      hiddenSize: 5,
      numLayers: 2,
      bidirectional: true,
      batchFirst: true,
    });
    const x = toTensor(fixture.lstm.x) as Tensor3D;
    await expectNoLeaks(() => {
      const dict = decodeSafetensors(bytes);
      expect(Object.keys(dict)).toHaveLength(16);
      lstm.loadStateDict(dict);
      tf.dispose(Object.values(dict));
      const { output, hN, cN } = lstm.forward(x);
      expect(maxAbsDiff(output, fixture.lstm.output)).toBeLessThan(1e-5);
      expect(maxAbsDiff(hN, fixture.lstm.hN)).toBeLessThan(1e-5);
      expect(maxAbsDiff(cN, fixture.lstm.cN)).toBeLessThan(1e-5);
      tf.dispose([output, hN, cN]);
    });
    expect(readSafetensorsMetadata(bytes).format).toBe('pt');
    tf.dispose(x);
    lstm.dispose();
  });

  it('reads from a Node Buffer that is a view into a larger pool', () => {
    const bytes = readFixtureBytes('lstm-2layer-bidirectional.safetensors');
    const pooled = Buffer.concat([
      Buffer.alloc(13, 7),
      Buffer.from(bytes),
      Buffer.alloc(5),
    ]).subarray(13, 13 + bytes.length);
    expect(pooled.byteOffset).toBe(13);
    const fromPool = decodeSafetensors(pooled);
    const plain = decodeSafetensors(bytes);
    for (const name of Object.keys(plain))
      expect(fromPool[name]!.arraySync()).toEqual(plain[name]!.arraySync());
    tf.dispose([...Object.values(fromPool), ...Object.values(plain)]);
  });

  it('decodes F16, BF16, I64 and I32 as PyTorch rounded and stored them', () => {
    const dict = decodeSafetensors(readFixtureBytes('dtypes.safetensors'));
    expect([...dict.f16!.dataSync()]).toEqual(fixture.dtypes.f16.map(Number));
    expect([...dict.bf16!.dataSync()]).toEqual(fixture.dtypes.bf16.map(Number));
    expect(dict.i64!.dtype).toBe('int32');
    expect(dict.i64!.arraySync()).toEqual([
      [1, -2, 2 ** 31 - 1],
      [0, 5, -(2 ** 31)],
    ]);
    expect(dict.i32!.arraySync()).toEqual([7, -9]);
    tf.dispose(Object.values(dict));
  });
});

describe('encodeSafetensors', () => {
  it('round-trips float32 and int32 exactly, with metadata, in a stable byte order', () => {
    const record = {
      b: tf.tensor([
        [1.5, -2],
        [3, 4e-8],
      ]),
      a: tf.tensor([7, -9, 2 ** 30], undefined, 'int32'),
      s: tf.scalar(3),
    };
    const bytes = encodeSafetensors(record, { metadata: { format: 'pt' } });
    expect(
      encodeSafetensors({ s: record.s, a: record.a, b: record.b }, { metadata: { format: 'pt' } }),
    ).toEqual(bytes);
    expect(new DataView(bytes.buffer).getUint32(0, true) % 8).toBe(0); // header padded to 8 bytes
    const back = decodeSafetensors(bytes);
    for (const [name, tensor] of Object.entries(record)) {
      expect(back[name]!.dtype).toBe(tensor.dtype);
      expect(back[name]!.shape).toEqual(tensor.shape);
      expect(back[name]!.arraySync()).toEqual(tensor.arraySync());
    }
    expect(readSafetensorsMetadata(bytes)).toEqual({ format: 'pt' });
    tf.dispose([...Object.values(record), ...Object.values(back)]);
  });

  it('narrows to F16 and BF16 with PyTorch’s rounding', () => {
    const source = tf.tensor(fixture.dtypes.source.map(Number));
    for (const [dtype, expected] of [
      ['F16', fixture.dtypes.f16],
      ['BF16', fixture.dtypes.bf16],
    ] as const) {
      const back = decodeSafetensors(encodeSafetensors({ v: source }, { floatDtype: dtype }));
      expect([...back.v!.dataSync()], dtype).toEqual(expected.map(Number));
      tf.dispose(back.v!);
    }
    source.dispose();
  });

  it('round-trips zero-size tensors, whatever the place of the 0', async () => {
    const shapes = { a: [0], b: [3, 0], c: [2, 0, 5], d: [0, 4] };
    await expectNoLeaks(() => {
      const record = Object.fromEntries(
        Object.entries(shapes).map(([name, shape]) => [name, tf.zeros(shape)]),
      );
      record.e = tf.tensor([1, 2], [2], 'int32');
      const back = decodeSafetensors(encodeSafetensors(record));
      expect(Object.fromEntries(Object.entries(back).map(([n, t]) => [n, t.shape]))).toEqual({
        ...shapes,
        e: [2],
      });
      expect(back.e!.arraySync()).toEqual([1, 2]);
      tf.dispose([...Object.values(record), ...Object.values(back)]);
    });
  });

  it('accepts an empty tensor listed after the tensor that starts where it does', async () => {
    const bytes = fileOf(
      {
        a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
        empty: { dtype: 'F32', shape: [0], data_offsets: [0, 0] },
      },
      new Uint8Array(new Float32Array([5]).buffer),
    );
    await expectNoLeaks(() => {
      const dict = decodeSafetensors(bytes);
      expect([dict.a!.arraySync(), dict.empty!.shape]).toEqual([[5], [0]]);
      tf.dispose(Object.values(dict));
    });
  });

  it('refuses dtypes the format cannot hold here', () => {
    const flags = tf.tensor([true, false], undefined, 'bool');
    expect(() => encodeSafetensors({ flags })).toThrow(
      "'flags' has dtype bool; only float32 and int32 are written",
    );
    flags.dispose();
  });
});

describe('decodeSafetensors refuses malformed files with a clear Error', () => {
  const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);
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
      expect(() => decodeSafetensors(bytes)).toThrow(message);
    });
  });

  it('never crashes, hangs or over-allocates on random corruption (property test)', async () => {
    const valid = encodeSafetensors({
      weight: tf.tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      bias: tf.tensor([7, 8], undefined, 'int32'),
    });
    const decodeOrRefuse = (bytes: Uint8Array) => {
      try {
        const dict = decodeSafetensors(bytes);
        const allocated = Object.values(dict).reduce((sum, t) => sum + t.size * 4, 0);
        expect(allocated).toBeLessThanOrEqual(bytes.length); // never more than the input holds
        tf.dispose(Object.values(dict));
      } catch (error) {
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toMatch(/^safetensors: /);
      }
    };
    await expectNoLeaks(() => {
      fc.assert(
        fc.property(fc.nat(valid.length), (cut) => decodeOrRefuse(valid.slice(0, cut))),
        { numRuns: 300, seed: 42 },
      );
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
            minLength: 1,
            maxLength: 8,
          }),
          (edits) => {
            const bytes = valid.slice();
            for (const [at, value] of edits) bytes[at] = value;
            decodeOrRefuse(bytes);
          },
        ),
        { numRuns: 1000, seed: 42 },
      );
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 256 }), fc.nat(2 ** 32 - 1), (tail, length) => {
          const bytes = new Uint8Array(8 + tail.length);
          new DataView(bytes.buffer).setUint32(0, length, true);
          bytes.set(tail, 8);
          decodeOrRefuse(bytes);
        }),
        { numRuns: 500, seed: 42 },
      );
      const entry = fc.record({
        dtype: fc.constantFrom('F32', 'F16', 'BF16', 'I32', 'I64', 'F64', 'U8', 'bogus'),
        shape: fc.array(fc.integer({ min: -2, max: 2 ** 31 }), { maxLength: 4 }),
        data_offsets: fc.tuple(fc.integer({ min: -4, max: 64 }), fc.integer({ min: -4, max: 64 })),
      });
      fc.assert(
        fc.property(
          fc.dictionary(fc.string({ maxLength: 6 }), entry, { maxKeys: 4 }),
          fc.nat(64),
          (header, dataLength) => {
            decodeOrRefuse(fileOf(header, new Uint8Array(dataLength)));
          },
        ),
        { numRuns: 1000, seed: 42 },
      );
    });
    tf.dispose(Object.values(decodeSafetensors(valid)));
  });
});
