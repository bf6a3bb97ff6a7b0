import type * as tf from '@tensorflow/tfjs-core';
import { type GatedWasm, heapPointer, packedFloats, type WasmBackend } from './wasm-module';

/*
 * Weights kept in the kernels' panel layout across calls, so that a layer run again with the
 * same weights (inference, decoding) does not transpose and pack them again. Keyed by the
 * weight's dataId: tfjs never changes a tensor's data in place (a Variable's assign gives it new
 * data under a new dataId), so the same dataId means the same values. Entries whose tensor was
 * disposed are freed before another is added, and at most CACHED are kept per heap, the least
 * recently used going first.
 */

/**
 * Packed weights kept per heap: a few layers' W_ih and W_hh (256 KiB each at H = 128), or a
 * bidirectional encoder's four and an attention decoder's five (4.5 MiB for the G2P model).
 */
const CACHED = 12;

interface Entry {
  pointer: number;
  K: number;
  N: number;
}

const caches = new Map<WasmBackend['wasm'], Map<object, Entry>>();

/**
 * The heap offset of `weight` [N, K] (PyTorch's layout) packed as Wᵀ [K, N] into 8-column
 * panels: from the cache when this very tensor was packed before, else packed now and kept.
 */
export function packedWeight(
  backend: WasmBackend,
  wasm: GatedWasm,
  weight: tf.TensorInfo,
  K: number,
  N: number,
): number {
  let cache = caches.get(backend.wasm);
  if (!cache) {
    cache = new Map();
    caches.set(backend.wasm, cache);
  }
  const key = weight.dataId;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    if (hit.K === K && hit.N === N) {
      cache.set(key, hit); // now the most recently used
      return hit.pointer;
    }
    backend.wasm._free(hit.pointer);
  }
  for (const [id, entry] of cache) {
    if (backend.dataIdMap.has(id)) continue;
    backend.wasm._free(entry.pointer);
    cache.delete(id);
  }
  for (const [id, entry] of cache) {
    if (cache.size < CACHED) break;
    backend.wasm._free(entry.pointer);
    cache.delete(id);
  }
  const pointer = backend.wasm._malloc(packedFloats(K, N) * 4);
  wasm.pack_panels(K, N, heapPointer(backend, weight), 1, pointer);
  cache.set(key, { pointer, K, N });
  return pointer;
}

/** How many packed weights are kept now, over every heap (for tests). */
export function packedWeightCount(): number {
  let count = 0;
  for (const cache of caches.values()) count += cache.size;
  return count;
}

/** Frees every packed weight (when the kernels are uninstalled). */
export function releasePackedWeights(): void {
  for (const [module, cache] of caches) {
    for (const entry of cache.values()) module._free(entry.pointer);
  }
  caches.clear();
}
