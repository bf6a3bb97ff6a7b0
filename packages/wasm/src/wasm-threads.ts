import { type AcceleratorState, state } from './accelerator-state';
import { RECURRENCE_WASM_SHARED } from './recurrence-wasm.generated';
import { decodeBase64 } from './wasm-module';

/*
 * A second thread for the recurrent layers in Node. tfjs-backend-wasm runs on one thread in
 * Node; a second core can take half of every time step: our module runs on its own shared
 * WebAssembly.Memory in this thread and in one worker (worker_threads, unref'd, sleeping in timed
 * Atomics.wait calls between jobs: every 1 ms just after a job, every 20 ms once idle). A job is
 * a few int32 words (the J_ enum of wasm/recurrence.c) that both threads run, each its own part,
 * meeting at barriers inside the module (pool_part); threaded-recurrence.ts lays out the jobs
 * and their data; threaded-engine.ts decides which directions come here.
 */

export const PARTS = 2;
// Shared-memory layout: control words, the job, then the data.
const CONTROL = 0; // [posted job, finished job, worker ready]
const JOB = 64; // int32 words, see the J_ enum in recurrence.c
/** Byte offset of the first byte free for data. */
export const POOL_DATA = 256;
const READY_TIMEOUT_MS = 5_000;
const JOB_TIMEOUT_MS = 15_000; // after the barrier's own 10 s give-up

/** What the shared-memory build of the module exports for the pool. */
export interface PoolExports {
  pool_part(job: number, part: number): void;
  job_words(): number;
  part_floats(kind: number, T: number, B: number, H: number, I: number, parts: number): number;
  shared_floats(T: number, B: number, H: number, I: number): number;
}

export interface Pool {
  memory: WebAssembly.Memory;
  wasm: PoolExports;
  posted: number;
}

/** How many jobs ran on the thread pool (for tests). */
export function parallelRunCount(): number {
  return state.poolJobs;
}

// The worker re-reads the control words through a fresh view of the (possibly grown) memory each
// time, and waits with a timeout: a wake-up is never lost for good, and an idle worker sleeps.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory } = workerData;
const run = new WebAssembly.Instance(module, { env: { memory } }).exports.pool_part;
const control = () => new Int32Array(memory.buffer, ${CONTROL}, 4);
Atomics.store(control(), 2, 1);
Atomics.notify(control(), 2);
let seen = 0;
let idle = 0;
for (;;) {
  const words = control();
  if (Atomics.load(words, 0) === seen) {
    Atomics.wait(words, 0, seen, idle < 200 ? 1 : 20);
    idle += 1;
    continue;
  }
  idle = 0;
  seen = Atomics.load(words, 0);
  run(${JOB}, 1);
  Atomics.store(control(), 1, seen);
  Atomics.notify(control(), 1);
}
`;

type NodeProcess = { getBuiltinModule?: (name: string) => unknown };

/** The pool, started on first use; null where it cannot run (browsers, one core, no threads). */
export function threadPool(): Pool | null {
  if (state.pool !== undefined) return state.pool;
  state.pool = null;
  try {
    const load = (globalThis as { process?: NodeProcess }).process?.getBuiltinModule;
    if (typeof load !== 'function' || typeof SharedArrayBuffer === 'undefined') return null;
    const os = load('node:os') as { availableParallelism?: () => number; cpus(): unknown[] };
    if ((os.availableParallelism?.() ?? os.cpus().length) < PARTS) return null;
    const { Worker } = load('node:worker_threads') as {
      Worker: new (
        code: string,
        options: { eval: true; workerData: unknown },
      ) => { unref(): void; on(event: string, listener: () => void): void };
    };
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
    const module = new WebAssembly.Module(decodeBase64(RECURRENCE_WASM_SHARED));
    const wasm = new WebAssembly.Instance(module, { env: { memory } })
      .exports as unknown as PoolExports;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory } });
    worker.unref();
    worker.on('error', () => {
      state.pool = null; // a failed worker: later work stays on one thread
    });
    const control = new Int32Array(memory.buffer, CONTROL, 4);
    if (Atomics.wait(control, 2, 0, READY_TIMEOUT_MS) === 'timed-out') return null;
    state.pool = { memory, wasm, posted: 0 };
  } catch {
    state.pool = null;
  }
  return state.pool;
}

/** Grows the pool's memory to hold at least `bytes`. */
export function reserveBytes(p: Pool, bytes: number): void {
  const pages = Math.ceil(bytes / 65536);
  const current = p.memory.buffer.byteLength / 65536;
  if (pages <= current) return;
  try {
    p.memory.grow(pages - current);
  } catch (cause) {
    const mib = (n: number) => `${Math.ceil(n / 2 ** 20)} MiB`;
    throw new Error(
      `gated thread pool: needs ${mib(bytes)} of memory for this sequence, more than its WebAssembly memory can grow to (4 GiB at most); split the batch or the sequence`,
      { cause },
    );
  }
}

/**
 * Runs one job on both threads: this thread takes part 0, the worker part 1. `words` is the
 * whole job (its last three words, the barrier's count, generation and failure flag, zero).
 * Throws, and gives the pool up, when the worker does not finish or a barrier gave up.
 */
export function runPoolJob(p: Pool, words: Int32Array): void {
  const job = new Int32Array(p.memory.buffer, JOB, words.length);
  job.set(words);
  const control = new Int32Array(p.memory.buffer, CONTROL, 4);
  p.posted += 1;
  Atomics.store(control, 0, p.posted);
  Atomics.notify(control, 0);
  p.wasm.pool_part(JOB, 0);
  // Our part returns after its last barrier; the worker's returns right after.
  const deadline = performance.now() + JOB_TIMEOUT_MS;
  for (;;) {
    const view = new Int32Array(p.memory.buffer, CONTROL, 4);
    const finished = Atomics.load(view, 1);
    if (finished === p.posted) break;
    if (performance.now() > deadline) {
      state.pool = null;
      throw new Error('gated thread pool: the worker thread did not finish its part');
    }
    Atomics.wait(view, 1, finished, 1);
  }
  if (Atomics.load(new Int32Array(p.memory.buffer, JOB, words.length), words.length - 1) !== 0) {
    state.pool = null;
    throw new Error('gated thread pool: a thread did not reach a step barrier');
  }
  state.poolJobs += 1;
}

/** Changes the sizes from which directions go to the pool and returns the previous ones (tests). */
export function setThreadLimits(
  limits: Partial<AcceleratorState['threadLimits']>,
): AcceleratorState['threadLimits'] {
  const previous = { ...state.threadLimits };
  Object.assign(state.threadLimits, limits);
  return previous;
}
