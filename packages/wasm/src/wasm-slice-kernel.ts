import * as tf from '@tensorflow/tfjs-core';
import { state } from './accelerator-state';

/**
 * Slice, Unpack (unstack) and SplitV kernels for the wasm backend that read their input in
 * place. tfjs-backend-wasm 4.x copies the whole input out of the wasm heap for every slice it
 * takes (`readSync`), so unstacking a [50, 32, 512] input projection takes 62 ms and each of 50
 * time-step slices 0.7 ms — the largest single cost of a recurrent loop. Results are identical;
 * only the copies are gone. Replaced only when asked (`replaceSliceKernels`): they speed up the
 * op-by-op engines on wasm, which our sequence kernels do not need.
 */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown };

/** Replaces tfjs-backend-wasm's Slice, Unpack and SplitV; only `installWasmKernels({ replaceSliceKernels: true })` calls it. */
export function installWasmSliceKernels(): void {
  if (state.sliceKernelsReplaced) return;
  state.sliceKernelsReplaced = true;
  replace('Slice', (args, backend, x) => {
    const { begin, size } = args.attrs as unknown as {
      begin: number | number[];
      size: number | number[];
    };
    const [begin_, size_] = tf.slice_util.parseSliceParams(x as never, begin, size) as [
      number[],
      number[],
    ];
    return copySlice(backend, x, begin_, size_, size_);
  });
  replace('Unpack', (args, backend, x) => {
    const axis = tf.util.parseAxisParam(
      (args.attrs as { axis: number }).axis,
      x.shape as number[],
    )[0]!;
    const size = [...x.shape];
    size[axis] = 1;
    const outShape = x.shape.filter((_, d) => d !== axis);
    return Array.from({ length: x.shape[axis]! }, (_, i) => {
      const begin = x.shape.map((_, d) => (d === axis ? i : 0));
      return copySlice(backend, x, begin, size, outShape);
    });
  });
  replace('SplitV', (args, backend, x) => {
    const { numOrSizeSplits, axis } = args.attrs as unknown as {
      numOrSizeSplits: number | number[];
      axis: number;
    };
    const dim = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x as never, numOrSizeSplits, dim);
    let start = 0;
    return sizes.map((length) => {
      const begin = x.shape.map((_, d) => (d === dim ? start : 0));
      const size = x.shape.map((extent, d) => (d === dim ? length : extent));
      start += length;
      return copySlice(backend, x, begin, size, size);
    });
  });
}

function replace(
  name: string,
  run: (
    args: KernelArgs,
    backend: WasmBackendLike,
    x: tf.TensorInfo,
  ) => tf.TensorInfo | tf.TensorInfo[],
): void {
  const original = tf.getKernel(name, 'wasm');
  if (!original) return;
  const kernelFunc = (args: KernelArgs) => {
    const x = (args.inputs.x ?? args.inputs.value) as tf.TensorInfo;
    if (x.dtype === 'string') return original.kernelFunc(args as never);
    return run(args, args.backend as WasmBackendLike, x);
  };
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as tf.KernelFunc });
}

/** Copies the block `begin`/`size` of `x` into a new output of `outShape` (same element count). */
function copySlice(
  backend: WasmBackendLike,
  x: tf.TensorInfo,
  begin: number[],
  size: number[],
  outShape: number[],
): tf.TensorInfo {
  // Allocate first: growing the heap would invalidate views taken earlier.
  const out = backend.makeOutput(outShape, x.dtype);
  const input = backend.typedArrayFromHeap(x);
  const output = backend.typedArrayFromHeap(out);
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const offset = tf.slice_util.computeFlatOffset(begin, strides);
    output.set(input.subarray(offset, offset + tf.util.sizeFromShape(size)));
    return out;
  }
  const rank = x.shape.length;
  const rowLength = size[rank - 1]!;
  const rows = size.slice(0, rank - 1).reduce((a, b) => a * b, 1);
  const index = new Array<number>(Math.max(0, rank - 1)).fill(0);
  for (let row = 0; row < rows; row++) {
    let offset = begin[rank - 1]!;
    for (let d = 0; d < rank - 1; d++) offset += (begin[d]! + index[d]!) * strides[d]!;
    output.set(input.subarray(offset, offset + rowLength), row * rowLength);
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d]! < size[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}
