import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { gatedWasm, gatedWasmReady, heapPointer, type KernelArgs } from './wasm-module';

/* Row gathers (wasm/gather.c): embedding lookups and time reversals, a copy per row. */

const KERNEL = 'GatedGatherRows';

function gatherRowsKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { table, indices } = inputs;
  const [N, D] = table!.shape as [number, number];
  const M = indices!.shape[0]!;
  const out = backend.makeOutput([M, D], 'float32');
  const at = gatedWasm(backend)!.gather_rows(
    M,
    D,
    N,
    heapPointer(backend, table),
    heapPointer(backend, indices),
    heapPointer(backend, out),
  );
  if (at >= 0) {
    backend.disposeData(out.dataId);
    const value = backend.wasm.HEAP32[heapPointer(backend, indices) / 4 + at];
    throw new Error(`GatherRows: the index value ${value} is not in [0, ${N - 1}]`);
  }
  return out;
}

const kernels = { [KERNEL]: gatherRowsKernel as unknown as tf.KernelFunc };

/** `MatrixProducts.gatherRows` on our kernel: undefined where it cannot run. */
export function gatherRows(table: Tensor2D, indices: Tensor1D): Tensor2D | undefined {
  if (table.dtype !== 'float32' || indices.dtype !== 'int32' || !gatedWasmReady(kernels))
    return undefined;
  return tf.engine().runKernel(KERNEL, { table, indices }) as Tensor2D;
}
