import { type AcceleratorState, state } from './accelerator-state';
import { RECURRENCE_WASM_SHARED } from './recurrence-wasm.generated';
import { decodeBase64 } from './wasm-module';

/*
 * A second thread for the recurrent layers in Node. tfjs-backend-wasm runs on one thread in
 * Node; a second core can take half of every time step: our module runs on its own shared
 * WebAssembly.Memory in this thread and in one worker (worker_threads, unref'd, sleeping in timed
 * Atomics.wait calls between jobs: every 1 ms just after a job, every 20 ms once idle). A job is
 * a few int32 words (the J_ enum of wasm/recurrence.c) that both threads run, each its own part,
 * meeting at barriers inside the module (pool_part); threaded-layout.ts lays out the jobs and
 * their data; threaded-engine.ts decides which directions come here.
 *
 * A lost worker (terminated, or thrown) must never block this thread: its 'exit' and 'error'
 * events cannot arrive while we wait in Atomics.wait. So the worker acknowledges every job the
 * moment it picks it up, and we start our part only after that acknowledgement, waiting at most
 * ACK_TIMEOUT_MS for it. No acknowledgement: the worker is lost, nothing was done, and the job
 * runs on this thread alone (the module runs any job with one part). From then on the pool's
 * memory and this thread's instance stay usable (a backward still finds its forward there), but
 * no job goes to the worker again, and the threaded engine declines.
 *
 * A worker lost in the middle of a job: a throw inside pool_part is caught in the worker, which
 * fails the job's barriers at once and says it finished; a silent death (only another thread or
 * the OS can cause one) makes our part's next barrier give up after its ~10 s limit. Either way
 * runPoolJob throws PoolLostError, the pool is lost, and later calls run on one thread. Only a
 * silent death after the job's last barrier waits JOB_TIMEOUT_MS for the worker's finish.
 */

export const PARTS = 2;
// Shared-memory layout: control words, the job, then the data.
const CONTROL = 0; // int32 words, see the C_ constants
const C_POSTED = 0; // the number of the job posted last (this thread writes it)
const C_FINISHED = 1; // the number of the job the worker finished last
const C_READY = 2; // 1 once the worker runs
const C_ACKNOWLEDGED = 3; // the number of the job the worker picked up last
const JOB = 64; // int32 words, see the J_ enum in recurrence.c
/** Byte offset of the first byte free for data. */
export const POOL_DATA = 256;
/** Job op 0 asks nothing of pool_part: a ping, which only the acknowledgement answers. */
const OP_PING = 0;
/** Job op -1 makes the worker throw, as a crashed worker would (tests). */
const OP_THROW = -1;
const READY_TIMEOUT_MS = 5_000;
// A worker asleep in Atomics.wait wakes within microseconds of a notify; 250 ms leaves room for a
// loaded machine's scheduler and still keeps a lost worker from being noticed as a hang.
const ACK_TIMEOUT_MS = 250;
const ACK_SPINS = 2_000; // polls before sleeping: the usual acknowledgement takes microseconds
// After our part's last barrier the worker still computes its share (weight gradients, dx); a
// large direction can take seconds. Only a silent death in that stretch ever waits this long.
const JOB_TIMEOUT_MS = 15_000;

/** What the shared-memory build of the module exports for the pool. */
export interface PoolExports {
  pool_part(job: number, part: number): void;
  job_words(): number;
  part_floats(kind: number, T: number, B: number, H: number, I: number, parts: number): number;
  shared_floats(T: number, B: number, H: number, I: number): number;
}

interface PoolWorker {
  unref(): void;
  on(event: 'exit' | 'error', listener: () => void): void;
  terminate(): Promise<number>;
}

export interface Pool {
  memory: WebAssembly.Memory;
  wasm: PoolExports;
  posted: number;
  /** null once the worker is lost: jobs then run on this thread alone. */
  worker: PoolWorker | null;
}

/** The pool's worker stopped (it threw, or was terminated) while a job ran; see wasm-threads.ts. */
export class PoolLostError extends Error {
  constructor(what: string) {
    super(
      `gated thread pool: ${what}; the pool is off now and later calls run on one thread, so running this call again will work`,
    );
    this.name = 'PoolLostError';
  }
}

/** How many jobs ran on the thread pool (for tests). */
export function parallelRunCount(): number {
  return state.poolJobs;
}

// The worker re-reads the control words through a fresh view of the (possibly grown) memory each
// time, and waits with a timeout: a wake-up is never lost for good, and an idle worker sleeps. It
// reads the job's op before acknowledging: once acknowledged, a ping's words may be overwritten.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const failed = exports.job_words() - 1, generation = failed - 1;
const control = () => new Int32Array(memory.buffer, ${CONTROL}, 4);
const job = () => new Int32Array(memory.buffer, ${JOB}, failed + 1);
const say = (word, value) => {
  Atomics.store(control(), word, value);
  Atomics.notify(control(), word);
};
say(${C_READY}, 1);
let seen = 0;
let idle = 0;
for (;;) {
  const posted = Atomics.load(control(), ${C_POSTED});
  if (posted === seen) {
    Atomics.wait(control(), ${C_POSTED}, seen, idle < 200 ? 1 : 20);
    idle += 1;
    continue;
  }
  idle = 0;
  seen = posted;
  const op = Atomics.load(job(), 0);
  say(${C_ACKNOWLEDGED}, seen);
  try {
    if (op === ${OP_THROW}) throw new Error('gated thread pool: worker stopped for a test');
    if (op !== ${OP_PING}) exports.pool_part(${JOB}, 1);
  } catch (error) {
    Atomics.store(job(), failed, 1); // the other part's barrier gives up now, not in 10 s
    Atomics.notify(job(), generation);
    say(${C_FINISHED}, seen);
    throw error;
  }
  say(${C_FINISHED}, seen);
}
`;

type NodeProcess = { getBuiltinModule?: (name: string) => unknown };

/**
 * The pool with its worker, started on first use; null where it cannot run (browsers, one core,
 * no threads) and once its worker is lost.
 */
export function threadPool(): Pool | null {
  if (state.pool === undefined) state.pool = startPool();
  return state.pool?.worker ? state.pool : null;
}

/** Whether the pool started once and has lost its worker since. */
export function poolWorkerLost(): boolean {
  return state.pool?.worker === null;
}

function startPool(): Pool | null {
  try {
    const load = (globalThis as { process?: NodeProcess }).process?.getBuiltinModule;
    if (typeof load !== 'function' || typeof SharedArrayBuffer === 'undefined') return null;
    const os = load('node:os') as { availableParallelism?: () => number; cpus(): unknown[] };
    if ((os.availableParallelism?.() ?? os.cpus().length) < PARTS) return null;
    const { Worker } = load('node:worker_threads') as {
      Worker: new (code: string, options: { eval: true; workerData: unknown }) => PoolWorker;
    };
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
    const module = new WebAssembly.Module(decodeBase64(RECURRENCE_WASM_SHARED));
    const wasm = new WebAssembly.Instance(module, { env: { memory } })
      .exports as unknown as PoolExports;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory } });
    worker.unref();
    const pool: Pool = { memory, wasm, posted: 0, worker };
    // For when the event loop runs before the next job notices.
    worker.on('exit', () => losePool(pool));
    worker.on('error', () => losePool(pool));
    const control = new Int32Array(memory.buffer, CONTROL, 4);
    if (Atomics.wait(control, C_READY, 0, READY_TIMEOUT_MS) === 'timed-out') {
      losePool(pool);
      return null;
    }
    return pool;
  } catch {
    return null;
  }
}

/** No job goes to the worker again; a worker still running is stopped. */
function losePool(p: Pool): void {
  const worker = p.worker;
  p.worker = null;
  // Its listeners stay: an 'error' event without one would be thrown at the event loop.
  void worker?.terminate().catch(() => undefined);
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

const controlWords = (p: Pool) => new Int32Array(p.memory.buffer, CONTROL, 4);

/** Posts `words` as the next job; true once the worker picked it up within ACK_TIMEOUT_MS. */
function postJob(p: Pool, words: Int32Array): boolean {
  new Int32Array(p.memory.buffer, JOB, words.length).set(words);
  const control = controlWords(p);
  p.posted += 1;
  Atomics.store(control, C_POSTED, p.posted);
  Atomics.notify(control, C_POSTED);
  const deadline = performance.now() + ACK_TIMEOUT_MS;
  for (let polls = 0; ; polls++) {
    const acknowledged = Atomics.load(control, C_ACKNOWLEDGED);
    if (acknowledged === p.posted) return true;
    if (polls < ACK_SPINS) continue;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    Atomics.wait(control, C_ACKNOWLEDGED, acknowledged, left);
  }
}

/**
 * Whether the worker answers now: a ping it must acknowledge within ACK_TIMEOUT_MS (microseconds
 * when it is alive). The pool is lost when it does not.
 */
export function poolWorkerAnswers(p: Pool): boolean {
  if (!p.worker) return false;
  if (postJob(p, Int32Array.of(OP_PING))) return true;
  losePool(p);
  return false;
}

/** Whether a barrier of the job gave up, or the worker failed it (the job's last word). */
function jobFailed(p: Pool): boolean {
  const words = p.wasm.job_words();
  return Atomics.load(new Int32Array(p.memory.buffer, JOB, words), words - 1) !== 0;
}

/**
 * Runs one job: on both threads while the worker answers (this thread takes part 0, the worker
 * part 1), else on this thread alone. `job(parts)` gives the whole job for that many parts (its
 * last three words, the barrier's count, generation and failure flag, zero).
 * Throws PoolLostError, and loses the pool, when the worker stopped after picking the job up.
 */
export function runPoolJob(p: Pool, job: (parts: number) => Int32Array): void {
  if (p.worker && !postJob(p, job(PARTS))) losePool(p); // nothing was done: run it alone
  if (!p.worker) {
    const words = job(1);
    new Int32Array(p.memory.buffer, JOB, words.length).set(words);
    p.wasm.pool_part(JOB, 0);
    return;
  }
  p.wasm.pool_part(JOB, 0);
  if (jobFailed(p)) {
    losePool(p);
    throw new PoolLostError('the worker thread stopped during a job (a step barrier gave up)');
  }
  // Our part returns after its last barrier; the worker's when its share is done.
  const control = controlWords(p);
  const deadline = performance.now() + JOB_TIMEOUT_MS;
  for (;;) {
    const finished = Atomics.load(control, C_FINISHED);
    if (finished === p.posted) break;
    if (performance.now() > deadline) {
      losePool(p);
      throw new PoolLostError('the worker thread did not finish its part');
    }
    Atomics.wait(control, C_FINISHED, finished, 1);
  }
  if (jobFailed(p)) {
    losePool(p);
    throw new PoolLostError('the worker thread stopped during a job');
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

/**
 * Makes the pool's worker throw between jobs, as a crashed worker would, and returns once it is
 * throwing, never to pick up a job again (tests). Its 'error' and 'exit' events come only when
 * the event loop runs; until then only the acknowledgements can tell. (worker.terminate() ends it
 * the same way, but returns before the worker has stopped.)
 */
export function stopPoolWorkerForTests(): void {
  const p = state.pool;
  if (!p?.worker) throw new Error('stopPoolWorkerForTests: no pool worker is running');
  if (!postJob(p, Int32Array.of(OP_THROW))) {
    throw new Error('stopPoolWorkerForTests: the worker did not answer');
  }
  const control = controlWords(p);
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (Atomics.load(control, C_FINISHED) !== p.posted && performance.now() < deadline) {
    Atomics.wait(control, C_FINISHED, Atomics.load(control, C_FINISHED), 1);
  }
}
