import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { gatedWasmReady, heapPointer, type WasmBackend } from './wasm-module';

/*
 * A contiguous range of a 1-D tensor. tfjs-backend-wasm 4.22's Slice copies its whole input out of
 * the heap first (0.5 ms to take 4,096 values from 212,992); on wasm this one copies the range
 * only. Its gradient is the same as tf.slice's: dy padded back to the input's length.
 */

const KERNEL = 'GatedFlatSlice';

function flatSliceKernel({
  inputs,
  attrs,
  backend,
}: {
  inputs: { x: tf.TensorInfo };
  attrs: unknown;
  backend: WasmBackend;
}): tf.TensorInfo {
  const { begin, size } = attrs as { begin: number; size: number };
  const out = backend.makeOutput([size], 'float32');
  const from = heapPointer(backend, inputs.x) / 4 + begin;
  backend.wasm.HEAPF32.copyWithin(heapPointer(backend, out) / 4, from, from + size);
  return out;
}

/**
 * `x[begin, begin + size)`.
 *
 * @param x `[n]`, float32
 * @returns `[size]`
 */
export function sliceFlat(x: Tensor, begin: number, size: number): Tensor {
  if (
    x.dtype !== 'float32' ||
    !gatedWasmReady({ [KERNEL]: flatSliceKernel as unknown as tf.KernelFunc })
  )
    return tf.slice(x, [begin], [size]);
  const total = x.size;
  const op = tf.customGrad(((input: Tensor) => ({
    value: tf.engine().runKernel(KERNEL, { x: input }, { begin, size } as never) as Tensor,
    gradFunc: (dy: Tensor) => tf.pad(dy, [[begin, total - begin - size]]),
  })) as never) as (input: Tensor) => Tensor;
  return op(x);
}
