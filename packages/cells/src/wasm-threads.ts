import * as tf from '@tensorflow/tfjs';
import { RECURRENCE_WASM_SHARED } from './recurrence-wasm.generated';
import { decodeBase64 } from './wasm-module';

/*
 * LSTM inference on two threads in Node. tfjs-backend-wasm runs on one thread in Node; a second
 * core can take half of every time step: our module runs on its own shared WebAssembly.Memory in
 * this thread and in one worker (worker_threads, unref'd, sleeping in timed Atomics.wait calls
 * between jobs: every 1 ms just after a job, every 20 ms once idle),
 * each owning half the units (lstm_forward_part in wasm/recurrence.c), with a barrier per step.
 * Inputs are copied in from tfjs's heap and results back (about 1 ms for the headline size).
 * Used for inference of large enough LSTMs on wasm; GATED_WASM_THREADS=off in the environment, or
 * `tf.env().set('GATED_WASM_THREADS', false)`, keeps everything on one thread.
 */

const FLAG = 'GATED_WASM_THREADS';
tf.env().registerFlag(
  FLAG,
  () => !(typeof process !== 'undefined' && process.env?.[FLAG] === 'off'),
);

const PARTS = 2;
// Shared-memory layout: control words, the job, then the data.
const CONTROL = 0; // [posted job, finished job, worker ready]
const JOB = 64; // int32 words, see the J_ enum in recurrence.c
const DATA = 256;
const READY_TIMEOUT_MS = 5_000;
const JOB_TIMEOUT_MS = 15_000; // after the barrier's own 10 s give-up

interface PartExports {
  lstm_forward_part(job: number, part: number): void;
  lstm_part_floats(B: number, H: number, parts: number): number;
}

interface Pool {
  memory: WebAssembly.Memory;
  wasm: PartExports;
  posted: number;
}

let pool: Pool | null | undefined;
let parallelRuns = 0;

/** How many forward passes ran on the thread pool (for tests). */
export function parallelRunCount(): number {
  return parallelRuns;
}

// The worker re-reads the control words through a fresh view of the (possibly grown) memory each
// time, and waits with a timeout: a wake-up is never lost for good, and an idle worker sleeps.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory } = workerData;
const run = new WebAssembly.Instance(module, { env: { memory } }).exports.lstm_forward_part;
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
function lstmPool(): Pool | null {
  if (pool !== undefined) return pool;
  pool = null;
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
      .exports as unknown as PartExports;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory } });
    worker.unref();
    worker.on('error', () => {
      pool = null; // a failed worker: later forwards stay on one thread
    });
    const control = new Int32Array(memory.buffer, CONTROL, 4);
    if (Atomics.wait(control, 2, 0, READY_TIMEOUT_MS) === 'timed-out') return null;
    pool = { memory, wasm, posted: 0 };
  } catch {
    pool = null;
  }
  return pool;
}

/** T·B·H² from which the pool pays for its copies and hand-offs (B32 T50 H128: 2.6e7). */
let minimumWork = 1 << 22;

/** Sets the work threshold and returns the previous one (tests use small sizes). */
export function setLstmThreadsMinimumWork(work: number): number {
  const previous = minimumWork;
  minimumWork = work;
  return previous;
}

/** Whether an LSTM forward of this size goes to the pool. */
export function useLstmThreads(steps: number, batch: number, hidden: number): boolean {
  return (
    batch >= 4 &&
    hidden >= 32 &&
    steps * batch * hidden * hidden >= minimumWork &&
    tf.env().getBool(FLAG) &&
    lstmPool() !== null
  );
}

/** Heap views of the float data, as offsets (in floats) into a Float32Array. */
export interface LstmThreadIo {
  heap: Float32Array; // tfjs's heap
  xg: number; // [T, B, 4H]
  h0: number; // [B, H]
  c0: number; // [B, H]
  weightHh: number; // [4H, H]
  mask?: number; // [T, B]
  out: number; // [T, B, H], written
  h: number; // [B, H], written
  c: number; // [B, H], written
}

/** Runs an LSTM forward on the pool, reading from and writing to tfjs's heap. */
export function lstmForwardThreaded(T: number, B: number, H: number, io: LstmThreadIo): void {
  const p = lstmPool();
  if (!p) throw new Error('lstmForwardThreaded: the thread pool is not available');
  const G = 4 * H;
  const sizes = {
    xg: T * B * G,
    h0: B * H,
    c0: B * H,
    w: G * H,
    mask: io.mask === undefined ? 0 : T * B,
    out: T * B * H,
    hA: B * H,
    hB: B * H,
    c: B * H,
  };
  const partFloats = p.wasm.lstm_part_floats(B, H, PARTS);
  const at: Record<string, number> = {};
  let next = DATA / 4; // in floats
  for (const [name, floats] of Object.entries(sizes)) {
    at[name] = next;
    next += Math.ceil(floats / 4) * 4; // 16-byte aligned
  }
  const scratch = next;
  next += partFloats * PARTS;
  const bytes = next * 4;
  const pages = Math.ceil(bytes / 65536);
  const current = p.memory.buffer.byteLength / 65536;
  if (pages > current) p.memory.grow(pages - current);
  const ours = new Float32Array(p.memory.buffer);
  const take = (from: number, floats: number, to: number) =>
    ours.set(io.heap.subarray(from, from + floats), to);
  take(io.xg, sizes.xg, at.xg!);
  take(io.h0, sizes.h0, at.h0!);
  take(io.c0, sizes.c0, at.c0!);
  take(io.weightHh, sizes.w, at.w!);
  if (io.mask !== undefined) take(io.mask, sizes.mask, at.mask!);
  const job = new Int32Array(p.memory.buffer, JOB, 18);
  job.set([
    T,
    B,
    H,
    PARTS,
    at.xg! * 4,
    at.h0! * 4,
    at.c0! * 4,
    at.w! * 4,
    io.mask === undefined ? 0 : at.mask! * 4,
    at.out! * 4,
    at.hA! * 4,
    at.hB! * 4,
    at.c! * 4,
    scratch * 4,
    partFloats,
    0, // barrier count
    0, // barrier generation
    0, // failed
  ]);
  const control = new Int32Array(p.memory.buffer, CONTROL, 4);
  p.posted += 1;
  Atomics.store(control, 0, p.posted);
  Atomics.notify(control, 0);
  p.wasm.lstm_forward_part(JOB, 0);
  // Our part returns after the last barrier; the worker's returns right after.
  const deadline = performance.now() + JOB_TIMEOUT_MS;
  for (;;) {
    const words = new Int32Array(p.memory.buffer, CONTROL, 4);
    const finished = Atomics.load(words, 1);
    if (finished === p.posted) break;
    if (performance.now() > deadline) {
      pool = null;
      throw new Error('lstmForwardThreaded: the worker thread did not finish its part');
    }
    Atomics.wait(words, 1, finished, 1);
  }
  if (Atomics.load(job, 17) !== 0) {
    pool = null;
    throw new Error('lstmForwardThreaded: a thread did not reach a step barrier');
  }
  io.heap.set(ours.subarray(at.out!, at.out! + sizes.out), io.out);
  const last = T % 2 === 0 ? at.hA! : at.hB!;
  io.heap.set(ours.subarray(last, last + B * H), io.h);
  io.heap.set(ours.subarray(at.c!, at.c! + B * H), io.c);
  parallelRuns += 1;
}
