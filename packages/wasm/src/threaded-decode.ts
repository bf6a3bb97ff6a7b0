import type * as tf from '@tensorflow/tfjs-core';
import { align, jobWords, OP, placeRecord } from './threaded-layout';
import { heapPointer, type WasmBackend } from './wasm-module';
import { jobParts, type Pool, reserveBytes, runPoolJob } from './wasm-threads';

/*
 * Greedy decoding on the thread pool (OP_DECODE in wasm/pool.c): the batch's rows split between
 * the threads, each decoding its rows to the end on its own, so that no step waits for another
 * thread. The inputs (with the weights already packed in the backend's heap) are copied into the
 * pool's memory once per call and the record and attention weights copied back.
 */

/** greedy_decode's arguments in the order of wasm/pool.c's D_ words. */
const ARGUMENTS = [
  'B',
  'S',
  'E',
  'H',
  'He',
  'A',
  'V',
  'L',
  'bos',
  'eos',
  'embedding',
  'weightIh',
  'biasIh',
  'weightHh',
  'biasHh',
  'queryWeight',
  'energyWeight',
  'combineWeight',
  'outputWeight',
  'outputBias',
  'projectedKeys',
  'values',
  'mask',
  'h0',
  'c0',
  'record',
  'attention',
] as const;
type Argument = (typeof ARGUMENTS)[number];

/** What greedyDecodeKernel has ready: sizes, and each array's heap offset and floats. */
export interface DecodeCall {
  sizes: Record<'B' | 'S' | 'E' | 'H' | 'He' | 'A' | 'V' | 'L' | 'bos' | 'eos', number>;
  /** Heap byte offset and float count of every array (attention absent when not asked for). */
  arrays: Partial<Record<Argument, { pointer: number; floats: number }>>;
  record: tf.TensorInfo;
  attention?: tf.TensorInfo;
}

const OUTPUTS: Argument[] = ['record', 'attention'];

/** Runs `call` on the pool's threads; its outputs' heap data are written when it returns. */
export function poolGreedyDecode(p: Pool, backend: WasmBackend, call: DecodeCall): void {
  if (p.wasm.decode_words() !== ARGUMENTS.length) {
    throw new Error('gated thread pool: the module and threaded-decode.ts disagree on decoding');
  }
  const { B, S, E, H, He, A, V } = call.sizes;
  const at: Partial<Record<Argument, number>> = {};
  let end = align(ARGUMENTS.length); // the argument words first, then every array
  for (const [name, array] of Object.entries(call.arrays) as [Argument, { floats: number }][]) {
    at[name] = end;
    end += align(array.floats);
  }
  // Each part's scratch: for ceil(B / parts) rows (one part alone, a worker lost, takes all).
  const perPart = (parts: number) => {
    const rows = Math.ceil(B / parts);
    return align(p.wasm.greedy_decode_floats(rows, S, E, H, He, A, V) + 2 * rows);
  };
  const parts = jobParts(p);
  const scratchFloats = Math.max(parts * perPart(parts), perPart(1));
  const base = placeRecord(end + scratchFloats);
  for (const name of Object.keys(at) as Argument[]) at[name] = at[name]! + base;
  const argumentsAt = base;
  const scratchAt = base + end;
  reserveBytes(p, (scratchAt + scratchFloats) * 4);
  const pool = new Float32Array(p.memory.buffer);
  const heap = backend.wasm.HEAPF32;
  for (const [name, array] of Object.entries(call.arrays) as [
    Argument,
    { pointer: number; floats: number },
  ][]) {
    if (OUTPUTS.includes(name)) continue;
    pool.set(heap.subarray(array.pointer / 4, array.pointer / 4 + array.floats), at[name]!);
  }
  const words = ARGUMENTS.map((name) =>
    name in call.sizes ? call.sizes[name as keyof DecodeCall['sizes']] : (at[name] ?? 0) * 4,
  );
  new Int32Array(p.memory.buffer, argumentsAt * 4, words.length).set(words);
  runPoolJob(p, (n, nowait) =>
    jobWords({
      op: OP.decode,
      parts: n,
      nowait: nowait ? 1 : 0,
      x: argumentsAt * 4,
      scratch: scratchAt * 4,
      scratchFloats: perPart(n),
    }),
  );
  const after = new Float32Array(p.memory.buffer); // the pool's memory may have grown
  const outputHeap = backend.wasm.HEAPF32;
  for (const [name, info] of [
    ['record', call.record],
    ['attention', call.attention],
  ] as const) {
    if (!info) continue;
    const floats = call.arrays[name]!.floats;
    outputHeap.set(after.subarray(at[name]!, at[name]! + floats), heapPointer(backend, info) / 4);
  }
}
