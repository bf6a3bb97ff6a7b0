import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/fixtures';
import { installWasmSliceKernels } from './wasm-slice-kernel';

/** Nested-array slicing in plain JS: the reference the kernels must match. */
function sliceArray(values: unknown, begin: number[], size: number[]): unknown {
  if (begin.length === 0) return values;
  const rows = (values as unknown[]).slice(begin[0], begin[0]! + size[0]!);
  return rows.map((row) => sliceArray(row, begin.slice(1), size.slice(1)));
}

// These kernels exist only for wasm: the file runs there whatever GATED_TEST_BACKEND says.
const previousBackend = tf.getBackend();
await tf.setBackend('wasm');
afterAll(() => tf.setBackend(previousBackend));

describe('wasm slice kernels (in place, no full-input copy)', () => {
  installWasmSliceKernels();
  const x = tf.tensor3d(
    Array.from({ length: 3 * 5 * 7 }, (_, i) => i * 0.5 - 3),
    [3, 5, 7],
  );
  const values = x.arraySync();

  it('slice: contiguous and strided blocks of every rank match plain slicing', async () => {
    await expectNoLeaks(() => {
      for (const [begin, size] of [
        [
          [1, 0, 0],
          [2, 5, 7],
        ],
        [
          [0, 1, 2],
          [3, 3, 4],
        ],
        [
          [2, 4, 6],
          [1, 1, 1],
        ],
        [
          [0, 0, 3],
          [3, 5, 2],
        ],
      ] as Array<[number[], number[]]>) {
        const sliced = tf.slice(x, begin, size);
        expect(sliced.arraySync()).toEqual(sliceArray(values, begin, size));
        sliced.dispose();
      }
      const ints = tf.tensor2d(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        undefined,
        'int32',
      );
      const column = tf.slice(ints, [0, 1], [2, 1]);
      expect(column.arraySync()).toEqual([[2], [5]]);
      tf.dispose([ints, column]);
    });
  });

  it('unstack and split along any axis match plain slicing', async () => {
    await expectNoLeaks(() => {
      for (const axis of [0, 1, 2]) {
        const parts = tf.unstack(x, axis);
        expect(parts).toHaveLength(x.shape[axis]!);
        parts.forEach((part, i) => {
          const begin = [0, 0, 0];
          const size = [...x.shape];
          begin[axis] = i;
          size[axis] = 1;
          expect(tf.tidy(() => tf.expandDims(part, axis).arraySync())).toEqual(
            sliceArray(values, begin, size),
          );
        });
        tf.dispose(parts);
      }
      const [a, b] = tf.split(x, [2, 5], 2);
      expect(a!.arraySync()).toEqual(sliceArray(values, [0, 0, 0], [3, 5, 2]));
      expect(b!.arraySync()).toEqual(sliceArray(values, [0, 0, 2], [3, 5, 5]));
      tf.dispose([a!, b!]);
    });
  });
});
