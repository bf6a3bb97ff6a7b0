import { recurrenceEngineNames, registerRecurrenceEngine, setMatrixProducts } from '@gated/cells';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { state } from './accelerator-state';
import { releasePackedWeights } from './packed-weights';
import { browserPoolPossible, MAX_PARTS } from './pool-workers';
import { threadedEngine } from './threaded-engine';
import { wasmEngine } from './wasm-engine';
import { gatedProducts } from './wasm-matmul';
import { fusedMultiplyAdd } from './wasm-module';
import { installWasmSliceKernels } from './wasm-slice-kernel';
import { startBrowserPool, threadPool } from './wasm-threads';

/** The tfjs release whose internals (the wasm backend's heap, engine state) the kernels use. */
export const SUPPORTED_TFJS = '4.22.0';

/** Options of `installWasmKernels`. */
export interface WasmKernelsOptions {
  /**
   * Threads for the recurrent layers. Default `'auto'`: two in Node on a machine with two or more
   * cores (unless GATED_WASM_THREADS=off is set in the environment); in a cross-origin isolated
   * page or Web Worker half the cores but at least two, at most 4:
   * min(4, max(2, ceil(navigator.hardwareConcurrency / 2))) with two cores or more (Web Workers
   * over shared memory); one elsewhere. A number asks for at most that many (in a
   * page at most min(hardwareConcurrency, 4)); 1 keeps everything on the calling thread.
   */
  threads?: number | 'auto';
  /**
   * Also replace tfjs-backend-wasm's Slice, Unpack and SplitV with kernels that copy only the
   * slice (they speed up the op-by-op engines). Default `false`: tfjs's own kernels stay.
   */
  replaceSliceKernels?: boolean;
}

/** What `installWasmKernels` turned on. */
export interface WasmKernelsStatus {
  /** The tfjs-core version found (always SUPPORTED_TFJS once installed). */
  tfjs: string;
  /** WebAssembly SIMD, which the kernels need. */
  simd: boolean;
  /**
   * Whether the kernels' products use relaxed SIMD's fused multiply-add (the engine accepts
   * relaxed SIMD); otherwise the plain SIMD build runs. Results agree within rounding.
   */
  fusedMultiplyAdd: boolean;
  /** Threads the recurrent layers run on. */
  threads: number;
  /** Why there are not more threads, when there are not. */
  threadsNote?: string;
  /** The recurrence engines in the order they are tried. */
  engines: string[];
}

// The smallest module using SIMD: one function returning i8x16.splat(0).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 15,
  11,
]);

/**
 * Turns the accelerator on: checks the tfjs versions it was built for, registers its engines in
 * front of @gated/cells' portable ones, and says what is active. Nothing happens at import time;
 * no tfjs kernel is replaced unless `replaceSliceKernels` asks. Call again to change options.
 *
 * @example
 * import '@tensorflow/tfjs-backend-wasm';
 * await tf.setBackend('wasm');
 * const status = await installWasmKernels(); // { simd: true, threads: 2, engines: ['wasm-threads', 'wasm', 'fused', 'reference'] … }
 * // In a page: threads > 1 only when it is cross-origin isolated (COOP + COEP headers).
 */
export async function installWasmKernels(
  options: WasmKernelsOptions = {},
): Promise<WasmKernelsStatus> {
  const where = 'installWasmKernels';
  if (tf.version_core !== SUPPORTED_TFJS || version_wasm !== SUPPORTED_TFJS) {
    throw new Error(
      `${where}: built for @tensorflow/tfjs-core and tfjs-backend-wasm ${SUPPORTED_TFJS}, found tfjs-core ${tf.version_core} and tfjs-backend-wasm ${version_wasm}; install those versions, or run without the accelerator (@gated/cells works alone)`,
    );
  }
  const requested = options.threads ?? 'auto';
  if (requested !== 'auto' && !(Number.isInteger(requested) && requested >= 1)) {
    throw new Error(`${where}: threads must be 'auto' or an integer ≥ 1, got ${String(requested)}`);
  }
  if (!WebAssembly.validate(SIMD_PROBE)) {
    throw new Error(
      `${where}: this JavaScript engine has no WebAssembly SIMD, which the kernels need`,
    );
  }
  const { threads, note } = await chooseThreads(requested);
  state.installed = { threads };
  if (options.replaceSliceKernels) installWasmSliceKernels();
  uninstallEngines();
  setMatrixProducts(gatedProducts);
  state.removeEngines.push(() => setMatrixProducts(undefined));
  state.removeEngines.push(registerRecurrenceEngine(wasmEngine, { before: 'fused' }));
  if (threads >= 2) {
    state.removeEngines.push(registerRecurrenceEngine(threadedEngine, { before: 'wasm' }));
  }
  return wasmKernelsStatus(note);
}

/**
 * Takes the accelerator's engines out of the registry (layers run on the portable ones again)
 * and frees the weights it kept packed between calls.
 */
export function uninstallWasmKernels(): void {
  uninstallEngines();
  releasePackedWeights();
  state.installed = undefined;
}

/** What is active now (see `installWasmKernels`). */
export function wasmKernelsStatus(threadsNote?: string): WasmKernelsStatus {
  const status: WasmKernelsStatus = {
    tfjs: tf.version_core,
    simd: WebAssembly.validate(SIMD_PROBE),
    fusedMultiplyAdd: fusedMultiplyAdd(),
    threads: state.installed?.threads ?? 0,
    engines: recurrenceEngineNames(),
  };
  if (threadsNote) status.threadsNote = threadsNote;
  return status;
}

function uninstallEngines(): void {
  for (const remove of state.removeEngines.splice(0)) remove();
}

async function chooseThreads(
  requested: number | 'auto',
): Promise<{ threads: number; note?: string }> {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  if (requested === 1) return { threads: 1 };
  if (requested === 'auto' && env?.GATED_WASM_THREADS === 'off') {
    return { threads: 1, note: 'GATED_WASM_THREADS=off' };
  }
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions
    ?.node;
  if (node === undefined || browserPoolPossible()) return chooseBrowserThreads(requested);
  const pool = threadPool();
  if (!pool) {
    return {
      threads: 1,
      note: 'no second thread here: the pool needs Node worker threads, SharedArrayBuffer and two cores',
    };
  }
  if (requested === 'auto') return { threads: pool.parts };
  const threads = Math.min(requested, pool.parts);
  return {
    threads,
    note: requested > threads ? `at most ${pool.parts} threads in Node` : undefined,
  };
}

/** In a page or Web Worker: the pool on Web Workers, when it is cross-origin isolated. */
async function chooseBrowserThreads(
  requested: number | 'auto',
): Promise<{ threads: number; note?: string }> {
  const cores =
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
      ?.hardwareConcurrency ?? 1;
  if (!browserPoolPossible()) {
    return {
      threads: 1,
      note: 'the page is not cross-origin isolated (COOP/COEP), so there is no shared memory for threads',
    };
  }
  const offered = Math.min(cores, MAX_PARTS);
  // 'auto' leaves half the cores to the page, tfjs's own threads and the rest of the machine, but
  // takes two where there are two: on a 2-core machine, in a Web Worker of Chromium 150, two
  // threads ran LSTM B32 T50 H128 inference in 10.9 ms against 15.5 ms on one, and training 1.7×
  // as fast (pnpm bench speed-browser --threads 2).
  const wanted =
    requested === 'auto'
      ? Math.min(offered, Math.max(2, Math.ceil(cores / 2)))
      : Math.min(requested, offered);
  if (wanted < 2) {
    return { threads: 1, note: `navigator.hardwareConcurrency is ${cores}: one thread` };
  }
  const { pool, note } = await startBrowserPool(offered);
  if (!pool) return { threads: 1, note: note ?? 'the thread pool is not available' };
  const threads = Math.min(wanted, pool.parts);
  const capped =
    requested !== 'auto' && requested > threads
      ? `at most ${threads} threads here (min(hardwareConcurrency ${cores}, ${MAX_PARTS}))`
      : undefined;
  return { threads, note: capped };
}
