import type { Slot } from './threaded-layout';
import type { GatedWasm } from './wasm-module';
import type { Pool } from './wasm-threads';

/** What `installWasmKernels` was asked for, once it succeeded. */
export interface InstalledOptions {
  /** Threads the pool may use (1: no pool). */
  threads: number;
}

/**
 * Everything the accelerator remembers between calls, in one place: nothing here is set at
 * import time, and `uninstallWasmKernels` returns it to this initial state (but for the kernels
 * and gradients registered with tfjs, which tfjs cannot forget, and which do nothing unless our
 * engines call them).
 */
export interface AcceleratorState {
  installed: InstalledOptions | undefined;
  /** Takes each engine we registered out of @gated/cells' registry again. */
  removeEngines: Array<() => void>;
  /** Our module, instantiated on each backend heap it met (null: it could not attach there). */
  modules: WeakMap<object, GatedWasm | null>;
  /** Kernel names registered with tfjs for the wasm backend. */
  kernels: Set<string>;
  /**
   * The thread pool: undefined until first asked for (Node) or started by installWasmKernels
   * (browsers), null where it cannot run. Once a worker is lost (`pool.workers` null) its memory
   * stays, for the backward of a forward kept there.
   */
  pool: Pool | null | undefined;
  /** Threads of the Node pool when it starts (NODE_PARTS; tests ask for more). */
  nodeParts: number;
  /** Jobs run on the pool since install (tests count them). */
  poolJobs: number;
  /**
   * From which sizes a direction goes to the pool: enough rows and units to split, and enough
   * work (T·B·H²; B32 T50 H128 is 2.6e7) to pay for the hand-offs. Tests lower them.
   */
  threadLimits: { batch: number; hidden: number; work: number };
  /** Forward records kept in the pool's memory for a backward that has not run yet. */
  slots: Map<number, Slot>;
  nextSlot: number;
  /** Whether tfjs's Slice/Unpack/SplitV for wasm were replaced (only when asked). */
  sliceKernelsReplaced: boolean;
  /**
   * Whether this JavaScript engine runs relaxed SIMD, so that the module's relaxed build is used
   * (undefined until first asked; a property of the engine, kept across uninstalls).
   */
  relaxedSimd: boolean | undefined;
}

export const state: AcceleratorState = {
  installed: undefined,
  removeEngines: [],
  modules: new WeakMap(),
  kernels: new Set(),
  pool: undefined,
  nodeParts: 2,
  poolJobs: 0,
  threadLimits: { batch: 4, hidden: 32, work: 1 << 22 },
  slots: new Map(),
  nextSlot: 1,
  sliceKernelsReplaced: false,
  relaxedSimd: undefined,
};
