import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
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
    expect(Object.keys(plain)).toHaveLength(16);
    expect(Object.keys(fromPool)).toEqual(Object.keys(plain));
    for (const name of Object.keys(plain)) {
      expect(fromPool[name]!.shape).toEqual(plain[name]!.shape);
      expect(fromPool[name]!.arraySync()).toEqual(plain[name]!.arraySync());
    }
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
    expect(Object.keys(back).sort()).toEqual(['a', 'b', 's']);
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

  it('keeps tensors named __proto__ and constructor as own keys, both ways', async () => {
    await expectNoLeaks(() => {
      const record: Record<string, Tensor> = {};
      for (const [name, values] of [
        ['__proto__', []],
        ['constructor', [1, 2]],
        ['toString', [3]],
      ] as const) {
        Object.defineProperty(record, name, { value: tf.tensor(values), enumerable: true });
      }
      const bytes = encodeSafetensors(record);
      const back = decodeSafetensors(bytes);
      expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
      expect(Object.keys(back).sort()).toEqual(['__proto__', 'constructor', 'toString']);
      expect(Object.hasOwn(back, '__proto__')).toBe(true);
      expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toBeInstanceOf(tf.Tensor);
      expect(Object.values(back).map((t) => t.arraySync())).toEqual([[], [1, 2], [3]]);
      tf.dispose([...Object.values(record), ...Object.values(back)]);
    });
  });

  it('refuses what it could not read back: a tensor named __metadata__, non-string metadata', () => {
    const t = tf.tensor([1]);
    expect(() => encodeSafetensors({ __metadata__: t })).toThrow(
      "encodeSafetensors: a tensor cannot be named '__metadata__', the format's name for metadata",
    );
    expect(() =>
      encodeSafetensors({ t }, { metadata: { epoch: 3 } as unknown as Record<string, string> }),
    ).toThrow('encodeSafetensors: metadata.epoch must be a string, got number');
    t.dispose();
  });

  it('refuses dtypes the format cannot hold here', () => {
    const flags = tf.tensor([true, false], undefined, 'bool');
    expect(() => encodeSafetensors({ flags })).toThrow(
      "'flags' has dtype bool; only float32 and int32 are written",
    );
    flags.dispose();
  });
});
