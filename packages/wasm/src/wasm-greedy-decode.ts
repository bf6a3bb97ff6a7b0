import type { GreedyAttentionDecodeCall, GreedyAttentionDecodeResult } from '@gated/cells';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { state } from './accelerator-state';
import { recordingGradients } from './gradient-tape';
import { packedWeight } from './packed-weights';
import { type DecodeCall, poolGreedyDecode } from './threaded-decode';
import {
  type GatedWasm,
  gatedWasm,
  gatedWasmReady,
  heapPointer,
  type KernelArgs,
  packedFloats,
  type WasmBackend,
  withScratch,
} from './wasm-module';
import { jobParts, threadPool } from './wasm-threads';

/*
 * Greedy decoding by an attention LSTM decoder, every step in one call (wasm/decode.c): no tfjs
 * op, no read back to JavaScript and no allocation between steps, and rows that have finished
 * leave the batch. Decoding step by step took about fifteen tfjs ops a step, most of its time
 * outside the products when decoding one word.
 */

const KERNEL = 'GatedGreedyAttentionDecode';

interface Attributes {
  bosId: number;
  eosId: number;
  maxLength: number;
  withAttention: boolean;
}

/** Rows from which a batch is split between the pool's threads (each then runs 4 rows or more). */
const POOL_ROWS = 8;

export type HeapArray = { pointer: number; floats: number };

/**
 * The decoder's weights (packed as the products read them, Wᵀ in panels, and kept across calls
 * while unchanged) and the memory, as heap arrays, with their sizes; `H` from the state.
 */
export function decoderArrays(
  backend: WasmBackend,
  wasm: GatedWasm,
  inputs: KernelArgs['inputs'],
  H: number,
) {
  const [V, E] = inputs.embedding!.shape as [number, number];
  const [B, S, A] = inputs.projectedKeys!.shape as [number, number, number];
  const He = inputs.values!.shape[2]!;
  const packed = (name: string, K: number, N: number): HeapArray => ({
    pointer: packedWeight(backend, wasm, inputs[name]!, K, N),
    floats: packedFloats(K, N),
  });
  const arrays = {
    embedding: heapArray(backend, inputs.embedding),
    weightIh: packed('weightIh', E + He, 4 * H),
    biasIh: heapArray(backend, inputs.biasIh),
    weightHh: packed('weightHh', H, 4 * H),
    biasHh: heapArray(backend, inputs.biasHh),
    queryWeight: packed('queryWeight', H, A),
    energyWeight: heapArray(backend, inputs.energyWeight),
    combineWeight: packed('combineWeight', H + He, H),
    outputWeight: packed('outputWeight', H, V),
    outputBias: heapArray(backend, inputs.outputBias),
    projectedKeys: heapArray(backend, inputs.projectedKeys),
    values: heapArray(backend, inputs.values),
    mask: heapArray(backend, inputs.mask),
  };
  return { sizes: { B, S, E, H, He, A, V }, arrays };
}

/** A tensor's heap offset and float count. */
export function heapArray(backend: WasmBackend, info: tf.TensorInfo | undefined): HeapArray {
  return { pointer: heapPointer(backend, info), floats: info!.shape.reduce((a, b) => a * b, 1) };
}

function greedyDecodeKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { bosId, eosId, maxLength, withAttention } = attrs as Attributes;
  const L = maxLength;
  const wasm = gatedWasm(backend)!;
  const decoder = decoderArrays(backend, wasm, inputs, inputs.h0!.shape[1]!);
  const { B, S } = decoder.sizes;
  const record = backend.makeOutput([B, L + 1, 4], 'float32');
  const attention = withAttention ? backend.makeOutput([B, L + 1, S], 'float32') : undefined;
  const call: DecodeCall = {
    sizes: { ...decoder.sizes, L, bos: bosId, eos: eosId },
    arrays: {
      ...decoder.arrays,
      h0: heapArray(backend, inputs.h0),
      c0: heapArray(backend, inputs.c0),
      record: heapArray(backend, record),
      ...(attention ? { attention: heapArray(backend, attention) } : {}),
    },
    record,
    attention,
  };
  const outputs = attention ? [record, attention] : [record];
  try {
    const pool = B >= POOL_ROWS && (state.installed?.threads ?? 1) > 1 ? threadPool() : null;
    if (pool && jobParts(pool) > 1) {
      try {
        poolGreedyDecode(pool, backend, call);
        return outputs;
      } catch {
        // A worker lost (the pool is off from now on), or its memory could not grow: the inputs
        // are untouched, so decode them on this thread.
      }
    }
    decodeHere(backend, wasm, call);
    return outputs;
  } catch (error) {
    for (const output of outputs) backend.disposeData(output.dataId);
    throw error;
  }
}

/** greedy_decode on this thread, in the backend's heap. */
function decodeHere(backend: WasmBackend, wasm: GatedWasm, call: DecodeCall): void {
  const { B, S, E, H, He, A, V, L, bos, eos } = call.sizes;
  const at = (name: keyof DecodeCall['arrays']) => call.arrays[name]?.pointer ?? 0;
  const floats = wasm.greedy_decode_floats(B, S, E, H, He, A, V);
  withScratch(backend, [floats, 2 * B], ([scratch, ints]) => {
    wasm.greedy_decode(
      B,
      0,
      1,
      S,
      E,
      H,
      He,
      A,
      V,
      L,
      bos,
      eos,
      at('embedding'),
      at('weightIh'),
      at('biasIh'),
      at('weightHh'),
      at('biasHh'),
      at('queryWeight'),
      at('energyWeight'),
      at('combineWeight'),
      at('outputWeight'),
      at('outputBias'),
      at('projectedKeys'),
      at('values'),
      at('mask'),
      at('h0'),
      at('c0'),
      at('record'),
      at('attention'),
      scratch!,
      ints!,
    );
  });
}

const kernels = { [KERNEL]: greedyDecodeKernel as unknown as tf.KernelFunc };

/**
 * `MatrixProducts.greedyAttentionDecode` on our kernel: undefined while gradients are recorded,
 * for tensors other than float32, or where the kernel cannot run (then the decoder steps).
 */
export function greedyAttentionDecode(
  call: GreedyAttentionDecodeCall,
): GreedyAttentionDecodeResult | undefined {
  const { bosId, eosId, maxLength, withAttention, ...tensors } = call;
  if (Object.values(tensors).some((t) => t.dtype !== 'float32') || recordingGradients())
    return undefined;
  if (!gatedWasmReady(kernels)) return undefined;
  const attributes: Attributes = { bosId, eosId, maxLength, withAttention };
  const [record, attention] = tf
    .engine()
    .runKernel(KERNEL, tensors as unknown as tf.NamedTensorMap, attributes as never) as Tensor3D[];
  return attention ? { record: record!, attention } : { record: record! };
}
