import * as tf from '@tensorflow/tfjs-core';
import { state } from './accelerator-state';
import {
  RECURRENCE_WASM,
  RECURRENCE_WASM_RELAXED,
  RECURRENCE_WASM_SHARED,
  RECURRENCE_WASM_SHARED_RELAXED,
} from './recurrence-wasm.generated';

/*
 * Our WebAssembly module (wasm/*.c), attached to the heap of tfjs-backend-wasm so that its
 * kernels read and write tfjs tensors in place.
 */

/** Floats of the decoding kernels' scratch for B rows (wasm/decode.c's greedy_decode_floats). */
export type DecodeScratchFloats = (
  B: number,
  S: number,
  E: number,
  H: number,
  He: number,
  A: number,
  V: number,
) => number;

/** The module's exports: every pointer is a byte offset into the tfjs heap. */
export interface GatedWasm {
  pack_panels(K: number, N: number, b: number, transposed: number, packed: number): void;
  matmul(...args: number[]): void;
  matmul_packed(...args: number[]): void;
  column_sums(M: number, N: number, x: number, out: number): void;
  additive_attention(...args: number[]): void;
  greedy_decode(...args: number[]): void;
  decoder_step(...args: number[]): number;
  greedy_decode_floats: DecodeScratchFloats;
  gather_rows(M: number, D: number, N: number, table: number, indices: number, out: number): number;
  lstm_forward(...args: number[]): void;
  lstm_backward(...args: number[]): void;
  gru_forward(...args: number[]): void;
  gru_backward(...args: number[]): void;
  rnn_forward(...args: number[]): void;
  rnn_backward(...args: number[]): void;
}

interface EmscriptenModule {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
  asm?: { memory?: WebAssembly.Memory };
  wasmMemory?: WebAssembly.Memory;
}

/** The parts of tfjs-backend-wasm's BackendWasm the kernels use. */
export interface WasmBackend {
  wasm: EmscriptenModule;
  dataIdMap: { get(dataId: object): { memoryOffset: number }; has(dataId: object): boolean };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

/** What tfjs hands a kernel function registered for the wasm backend. */
export type KernelArgs = {
  inputs: Record<string, tf.TensorInfo | undefined>;
  attrs: unknown;
  backend: WasmBackend;
};

/**
 * Our module's bytes, for a shared or a plain memory: the relaxed-SIMD build (fused multiply-add
 * in every product) where this JavaScript engine accepts it, the plain SIMD build elsewhere. Every
 * heap and every pool thread of a process gets the same build.
 */
export function moduleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  if (fusedMultiplyAdd()) {
    return decodeBase64(shared ? RECURRENCE_WASM_SHARED_RELAXED : RECURRENCE_WASM_RELAXED);
  }
  return decodeBase64(shared ? RECURRENCE_WASM_SHARED : RECURRENCE_WASM);
}

/**
 * Whether the kernels use the relaxed-SIMD build: decided once, by whether this engine validates
 * it (Chromium 114+, Node 22+; Node 20 only with --experimental-wasm-relaxed-simd).
 */
export function fusedMultiplyAdd(): boolean {
  state.relaxedSimd ??= WebAssembly.validate(decodeBase64(RECURRENCE_WASM_RELAXED));
  return state.relaxedSimd;
}

/** The module bound to this backend's heap, or null when that heap cannot be reached. */
export function gatedWasm(backend: WasmBackend): GatedWasm | null {
  const known = state.modules.get(backend.wasm);
  if (known !== undefined) return known;
  let result: GatedWasm | null = null;
  const memory = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
  if (memory instanceof WebAssembly.Memory) {
    const shared =
      typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    try {
      const bytes = moduleBytes(shared);
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
        env: { memory },
      });
      result = instance.exports as unknown as GatedWasm;
    } catch {
      result = null; // e.g. synchronous compilation refused on a browser's main thread
    }
  }
  state.modules.set(backend.wasm, result);
  return result;
}

export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Whether our wasm kernels can run now: installed, the active backend is wasm and the module
 * attached to the backend's heap. Registers `kernels` (name → function) for wasm on first use.
 */
export function gatedWasmReady(kernels: Record<string, tf.KernelFunc>): boolean {
  if (!state.installed || tf.getBackend() !== 'wasm') return false;
  if (!gatedWasm(tf.backend() as unknown as WasmBackend)) return false;
  for (const [kernelName, kernelFunc] of Object.entries(kernels)) {
    if (state.kernels.has(kernelName) || tf.getKernel(kernelName, 'wasm')) continue;
    state.kernels.add(kernelName);
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
  return true;
}

/** The heap offset of a tensor's data, 0 (null) for a missing optional input. */
export function heapPointer(backend: WasmBackend, info: tf.TensorInfo | undefined): number {
  return info ? backend.dataIdMap.get(info.dataId).memoryOffset : 0;
}

/** Temporary heap floats for the duration of one kernel, freed whatever happens. */
export function withScratch<T>(
  backend: WasmBackend,
  floats: number[],
  run: (pointers: number[]) => T,
): T {
  const pointers = floats.map((n) => backend.wasm._malloc(Math.max(1, n) * 4));
  try {
    return run(pointers);
  } finally {
    for (const p of pointers) backend.wasm._free(p);
  }
}

/** Floats of a [K, N] matrix packed into 8-column panels (the last one zero-padded). */
export function packedFloats(K: number, N: number): number {
  return Math.ceil(N / 8) * 8 * K;
}
