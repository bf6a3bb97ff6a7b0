/**
 * Property tests of the safetensors reader and writer, seeded so that a failure repeats:
 * hostile input (random bytes, random mutations of valid files) is either read consistently or
 * refused with the reader's own `Error`; and encode → decode is the identity.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/fixtures';
import {
  ITEM_BYTES,
  join,
  mutatedFileArb,
  nameArb,
  namesArb,
  product,
  split,
  validFileArb,
} from '../test/safetensors-arbitraries';
import { bfloat16ToFloat, floatToBfloat16, floatToHalf, halfToFloat } from './half-precision';
import { decodeSafetensors, encodeSafetensors, readSafetensorsMetadata } from './safetensors';
import type { SafetensorsDtype } from './safetensors-format';

/** What a reader that gets the format right makes of an accepted file, value by value. */
function expectedValues(dtype: SafetensorsDtype, bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes.length / ITEM_BYTES[dtype];
  const read = {
    F32: (i: number) => view.getFloat32(i * 4, true),
    F16: (i: number) => halfToFloat(view.getUint16(i * 2, true)),
    BF16: (i: number) => bfloat16ToFloat(view.getUint16(i * 2, true)),
    I32: (i: number) => view.getInt32(i * 4, true),
    I64: (i: number) => Number(view.getBigInt64(i * 8, true)),
  }[dtype];
  return Array.from({ length: count }, (_, i) => read(i));
}

const sameNumbers = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  a.length === b.length && Array.prototype.every.call(a, (v: number, i) => Object.is(v, b[i]));

/** Accepted and refused files, per property test. */
const stats = { accepted: 0, refused: 0 };

/**
 * Decodes `bytes`: a refusal must be the reader's own `Error`; an accepted file must be what its
 * header says, the tensors covering its data section exactly (so never more than it holds).
 */
function decodeOrRefuse(bytes: Uint8Array): void {
  const start = performance.now();
  let dict: Record<string, Tensor>;
  try {
    dict = decodeSafetensors(bytes);
  } catch (error) {
    expect(performance.now() - start).toBeLessThan(1000); // never hangs (inputs are under 1 MB)
    expect((error as Error).constructor).toBe(Error); // no RangeError, TypeError, SyntaxError
    expect((error as Error).message).toMatch(/^safetensors: \S/);
    stats.refused++;
    return;
  }
  stats.accepted++;
  try {
    expect(performance.now() - start).toBeLessThan(1000);
    const { text, data } = split(bytes);
    const header = JSON.parse(text) as Record<
      string,
      { dtype: SafetensorsDtype; shape: number[]; data_offsets: [number, number] }
    >;
    const names = Object.keys(header).filter((n) => n !== '__metadata__');
    expect(Object.keys(dict).sort()).toEqual(names.sort());
    let covered = 0;
    for (const name of names) {
      const {
        dtype,
        shape,
        data_offsets: [begin, end],
      } = header[name]!;
      const tensor = Object.getOwnPropertyDescriptor(dict, name)!.value as Tensor;
      expect(tensor.shape).toEqual(shape);
      expect(tensor.dtype).toBe(dtype.startsWith('I') ? 'int32' : 'float32');
      expect(product(shape) * ITEM_BYTES[dtype]).toBe(end - begin);
      expect(sameNumbers(tensor.dataSync(), expectedValues(dtype, data.subarray(begin, end)))).toBe(
        true,
      );
      covered += end - begin;
    }
    expect(covered).toBe(data.length);
  } finally {
    tf.dispose(Object.values(dict));
  }
}

describe('decodeSafetensors on hostile input (property tests)', () => {
  /**
   * Runs `prop` `numRuns` times from seed 42; the name states the count. Seeded runs accept a
   * fixed number of files: `accepted` is that number, so a reader that starts refusing what it
   * read (or a generator that stops making readable files) fails here, and a property meant to
   * check accepted files cannot pass without checking any.
   */
  const property = <Ts extends unknown[]>(
    name: string,
    numRuns: number,
    prop: fc.IRawProperty<Ts>,
    { accepted }: { accepted: number },
  ) =>
    it(`${name}: ${numRuns.toLocaleString('en-US')} cases, seed 42, ${accepted} accepted`, async () => {
      stats.accepted = 0;
      stats.refused = 0;
      await expectNoLeaks(() => fc.assert(prop, { numRuns, seed: 42 }));
      expect(stats).toEqual({ accepted, refused: numRuns - accepted });
    });

  property('random bytes', 1500, fc.property(fc.uint8Array({ maxLength: 512 }), decodeOrRefuse), {
    accepted: 0,
  });

  property(
    'random bytes behind a length that fits',
    1500,
    fc.property(fc.uint8Array({ maxLength: 256 }), fc.nat(), (tail, n) => {
      const file = new Uint8Array(8 + tail.length);
      new DataView(file.buffer).setUint32(0, n % (tail.length + 1), true);
      file.set(tail, 8);
      decodeOrRefuse(file);
    }),
    { accepted: 0 },
  );

  property(
    'random JSON headers over random data',
    1000,
    fc.property(fc.json({ maxDepth: 3 }), fc.uint8Array({ maxLength: 64 }), (text, data) =>
      decodeOrRefuse(join(text, data)),
    ),
    { accepted: 2 },
  );

  // A valid file's tensors cover its data exactly, so every cut is refused.
  property(
    'valid files, truncated',
    1000,
    fc.property(validFileArb, fc.nat(), (file, cut) =>
      decodeOrRefuse(file.slice(0, cut % file.length)),
    ),
    { accepted: 0 },
  );

  property(
    'valid files with up to 8 bytes overwritten',
    2000,
    fc.property(
      validFileArb,
      fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 8 }),
      (file, flips) => {
        const bytes = file.slice();
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        decodeOrRefuse(bytes);
      },
    ),
    { accepted: 38 },
  );

  property(
    'valid files with edited headers (offsets, shapes, dtypes, names twice, huge numbers, deep nesting, broken JSON)',
    3000,
    fc.property(mutatedFileArb, decodeOrRefuse),
    { accepted: 105 },
  );
});

/** Own property `name` of `record` (`record.__proto__` would be the prototype). */
const own = <T>(record: Record<string, T>, name: string) =>
  Object.getOwnPropertyDescriptor(record, name)?.value as T;

/** Defines `entries` as own properties, as a caller with a tensor named `__proto__` would. */
function recordOf<T>(entries: Array<[string, T]>): Record<string, T> {
  const record: Record<string, T> = {};
  for (const [name, value] of entries) {
    Object.defineProperty(record, name, { value, enumerable: true });
  }
  return record;
}

describe('encodeSafetensors → decodeSafetensors (property test)', () => {
  const shapeArb = fc.oneof(
    fc.array(fc.nat(5), { maxLength: 3 }),
    fc.constantFrom<number[]>([0], [3, 0], [2, 0, 5], []),
  );
  const tensorArb = fc.record({ int: fc.boolean(), shape: shapeArb }).chain(({ int, shape }) => {
    const n = { minLength: product(shape), maxLength: product(shape) };
    const values = int
      ? fc
          .array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), n)
          .map((v) => Int32Array.from(v))
      : fc.float32Array(n); // NaN, ±Infinity, -0 and subnormals included
    return values.map((v) => ({ shape, values: v }));
  });
  const dictArb = namesArb(5).chain((names) =>
    fc.tuple(...names.map(() => tensorArb)).map((ts) => names.map((n, i) => [n, ts[i]!] as const)),
  );
  const metadataArb = fc.uniqueArray(fc.tuple(nameArb, fc.string({ maxLength: 8 })), {
    selector: ([key]) => key,
    maxLength: 3,
  });
  /** What a value stored as `dtype` reads back as: F32 bit for bit, F16 and BF16 rounded. */
  const stored = (dtype: 'F32' | 'F16' | 'BF16', values: Float32Array) =>
    dtype === 'F32'
      ? values
      : Float32Array.from(values, (v) =>
          dtype === 'F16' ? halfToFloat(floatToHalf(v)) : bfloat16ToFloat(floatToBfloat16(v)),
        );
  const bits = (values: Float32Array | Int32Array) => [
    ...new Uint32Array(values.buffer, values.byteOffset, values.length),
  ];
  const numRuns = 2500;

  it(`is the identity for every dtype, zero sizes and odd names: ${numRuns.toLocaleString('en-US')} cases, seed 42`, async () => {
    await expectNoLeaks(() =>
      fc.assert(
        fc.property(
          dictArb,
          fc.constantFrom('F32', 'F16', 'BF16' as const),
          metadataArb,
          (entries, floatDtype, metadata) => {
            const record = recordOf(
              entries.map(([name, { shape, values }]) => [name, tf.tensor(values, shape)]),
            );
            const bytes = encodeSafetensors(record, { floatDtype, metadata: recordOf(metadata) });
            const back = decodeSafetensors(bytes);
            try {
              expect(Object.keys(back).sort()).toEqual(entries.map(([name]) => name).sort());
              for (const [name, { shape, values }] of entries) {
                const tensor = own(back, name);
                expect(tensor.shape).toEqual(shape);
                expect(tensor.dtype).toBe(values instanceof Int32Array ? 'int32' : 'float32');
                const expected = values instanceof Int32Array ? values : stored(floatDtype, values);
                expect(bits(tensor.dataSync() as Float32Array)).toEqual(bits(expected));
              }
              expect(Object.entries(readSafetensorsMetadata(bytes)).sort()).toEqual(
                metadata.sort(),
              );
            } finally {
              tf.dispose([...Object.values(record), ...Object.values(back)]);
            }
          },
        ),
        { numRuns, seed: 42 },
      ),
    );
  });
});
