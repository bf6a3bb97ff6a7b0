import { type AcceleratorState, state } from './accelerator-state';
import {
  browserPoolPossible,
  C_POSTED,
  CONTROL_WORDS,
  cAcknowledged,
  cFinished,
  cReady,
  JOB,
  MAX_PARTS,
  OP_PING,
  OP_THROW,
  type PoolWorker,
  startBrowserWorker,
  startNodeWorker,
} from './pool-workers';
import { type DecodeScratchFloats, moduleBytes } from './wasm-module';

/*
 * More threads for the recurrent layers. tfjs-backend-wasm runs our kernels on one thread; more
 * cores can take a share of every time step: our module runs on its own shared
 * WebAssembly.Memory in this thread and in workers (pool-workers.ts): in Node one
 * worker_threads worker (two parts), in a cross-origin isolated page or Web Worker up to three
 * Web Workers (min(hardwareConcurrency, 4) parts). A job is a few int32 words (the J_ enum of
 * wasm/recurrence.c) that every thread runs, each its own part, meeting at barriers inside the
 * module (pool_part); threaded-layout.ts lays out the jobs and their data; threaded-engine.ts
 * decides which directions come here. A browser's main thread may not block in Atomics.wait:
 * there this thread spins instead, in JavaScript and (the job's NOWAIT word) in the module.
 *
 * A lost worker (terminated, or thrown) must never block this thread: its 'exit' and 'error'
 * events cannot arrive while we wait. So every worker acknowledges every job the moment it picks
 * it up, and we start our part only after all acknowledgements, waiting at most ACK_TIMEOUT_MS.
 * One missing: that worker is lost, nothing was done, and the job runs on this thread alone
 * (the module runs any job with one part). From then on the pool's memory and this thread's
 * instance stay usable (a backward still finds its forward there), but no job goes to the
 * workers again, and the threaded engine declines.
 *
 * A worker lost in the middle of a job: a throw inside pool_part is caught in the worker, which
 * fails the job's barriers at once and says it finished; a silent death (only another thread or
 * the OS can cause one) makes our part's next barrier give up after its ~10 s limit. Either way
 * runPoolJob throws PoolLostError, the pool is lost, and later calls run on one thread. Only a
 * silent death after the job's last barrier waits JOB_TIMEOUT_MS for the worker's finish.
 */

/** Parts of the Node pool: this thread and one worker. */
export const NODE_PARTS = 2;
/** Byte offset of the first byte free for data. */
export const POOL_DATA = 256;
const READY_TIMEOUT_MS = 5_000;
// A worker asleep in Atomics.wait wakes within microseconds of a notify; 250 ms leaves room for a
// loaded machine's scheduler and still keeps a lost worker from being noticed as a hang.
const ACK_TIMEOUT_MS = 250;
const ACK_SPINS = 2_000; // polls before sleeping: the usual acknowledgement takes microseconds
// After our part's last barrier the workers still compute their shares (weight gradients, dx); a
// large direction can take seconds. Only a silent death in that stretch ever waits this long.
const JOB_TIMEOUT_MS = 15_000;

/** What the shared-memory build of the module exports for the pool. */
export interface PoolExports {
  pool_part(job: number, part: number): void;
  job_words(): number;
  part_floats(kind: number, T: number, B: number, H: number, I: number, parts: number): number;
  shared_floats(T: number, B: number, H: number, I: number): number;
  decode_words(): number;
  greedy_decode_floats: DecodeScratchFloats;
}

export interface Pool {
  memory: WebAssembly.Memory;
  wasm: PoolExports;
  posted: number;
  /** Threads of the pool: this one and one per worker. */
  parts: number;
  /** null once a worker is lost: jobs then run on this thread alone. */
  workers: PoolWorker[] | null;
  /** Whether this thread may block in Atomics.wait (not a browser's main thread). */
  canWait: boolean;
}

/** A pool worker stopped (it threw, or was terminated) while a job ran; see wasm-threads.ts. */
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

type NodeProcess = { getBuiltinModule?: (name: string) => unknown };

/**
 * The pool with its workers: in Node started on first use; in browsers started by
 * `startBrowserPool` (installWasmKernels). null where it cannot run (one core, no shared memory,
 * a page that is not cross-origin isolated) and once a worker is lost.
 */
export function threadPool(): Pool | null {
  if (state.pool === undefined && !browserPoolPossible()) state.pool = startNodePool();
  return state.pool?.workers ? state.pool : null;
}

/** Whether the pool started once and has lost a worker since. */
export function poolWorkerLost(): boolean {
  return state.pool !== undefined && state.pool !== null && state.pool.workers === null;
}

/** Parts a job runs on now: the pool's threads, at most the threads installed. */
export function jobParts(p: Pool): number {
  return p.workers ? Math.max(1, Math.min(p.parts, state.installed?.threads ?? 1)) : 1;
}

/** Whether Atomics.wait may block this thread (it throws on a browser's main thread). */
function mayWait(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

function newPoolMemory(parts: number): Omit<Pool, 'workers'> & { module: WebAssembly.Module } {
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
  const module = new WebAssembly.Module(moduleBytes(true));
  const wasm = new WebAssembly.Instance(module, { env: { memory } })
    .exports as unknown as PoolExports;
  return { memory, module, wasm, posted: 0, parts, canWait: mayWait() };
}

function startNodePool(): Pool | null {
  try {
    const load = (globalThis as { process?: NodeProcess }).process?.getBuiltinModule;
    if (typeof load !== 'function' || typeof SharedArrayBuffer === 'undefined') return null;
    const os = load('node:os') as { availableParallelism?: () => number; cpus(): unknown[] };
    if ((os.availableParallelism?.() ?? os.cpus().length) < NODE_PARTS) return null;
    const { module, ...fields } = newPoolMemory(state.nodeParts);
    const pool: Pool = { ...fields, workers: [] };
    const lost = () => losePool(pool); // for when the event loop runs before a job notices
    for (let w = 1; w < pool.parts; w++)
      pool.workers!.push(startNodeWorker(load, { module, memory: pool.memory }, w, lost));
    const control = controlWords(pool);
    for (let w = 1; w < pool.parts; w++) {
      if (Atomics.wait(control, cReady(w), 0, READY_TIMEOUT_MS) === 'timed-out') {
        losePool(pool);
        return null;
      }
    }
    return pool;
  } catch {
    return null;
  }
}

/**
 * Starts the pool of a cross-origin isolated page or Web Worker with `parts` threads (this one
 * and parts - 1 Web Workers, at most MAX_PARTS); resolves to null, with the reason, where it
 * cannot. Once started it stays; a later call returns it.
 */
export async function startBrowserPool(
  parts: number,
): Promise<{ pool: Pool | null; note?: string }> {
  if (state.pool) return { pool: state.pool.workers ? state.pool : null };
  if (!browserPoolPossible())
    return {
      pool: null,
      note: 'the page is not cross-origin isolated (COOP/COEP), so there is no shared memory for threads',
    };
  const wanted = Math.min(MAX_PARTS, parts);
  if (wanted < 2) return { pool: null, note: 'one core here' };
  try {
    const { module, ...fields } = newPoolMemory(wanted);
    const pool: Pool = { ...fields, workers: null };
    const lost = () => losePool(pool);
    const started = await Promise.allSettled(
      Array.from({ length: wanted - 1 }, (_, i) =>
        startBrowserWorker({ module, memory: pool.memory }, i + 1, lost, READY_TIMEOUT_MS),
      ),
    );
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      for (const w of workers) w.terminate();
      return { pool: null, note: String((failure.reason as Error)?.message ?? failure.reason) };
    }
    pool.workers = workers;
    state.pool = pool;
    return { pool };
  } catch (error) {
    return { pool: null, note: `the thread pool could not start: ${(error as Error).message}` };
  }
}

/** No job goes to the workers again; workers still running are stopped. */
function losePool(p: Pool): void {
  const workers = p.workers;
  p.workers = null;
  for (const w of workers ?? []) w.terminate();
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

const controlWords = (p: Pool) => new Int32Array(p.memory.buffer, 0, CONTROL_WORDS);

/**
 * Waits until word `at` of the control words is no longer `seen`, or `ms` passed: in
 * Atomics.wait where this thread may block, else spinning.
 */
function waitChange(p: Pool, at: number, seen: number, ms: number): void {
  const control = controlWords(p);
  if (p.canWait) {
    Atomics.wait(control, at, seen, ms);
    return;
  }
  const deadline = performance.now() + ms;
  while (Atomics.load(control, at) === seen && performance.now() < deadline) {
    // spin: a browser's main thread may not block
  }
}

/** Posts `words` as the next job; true once every worker picked it up within ACK_TIMEOUT_MS. */
function postJob(p: Pool, words: Int32Array): boolean {
  new Int32Array(p.memory.buffer, JOB, words.length).set(words);
  const control = controlWords(p);
  p.posted += 1;
  Atomics.store(control, C_POSTED, p.posted);
  Atomics.notify(control, C_POSTED);
  const deadline = performance.now() + ACK_TIMEOUT_MS;
  for (let w = 1; w < p.parts; w++) {
    for (let polls = 0; ; polls++) {
      const acknowledged = Atomics.load(control, cAcknowledged(w));
      if (acknowledged === p.posted) break;
      if (polls < ACK_SPINS) continue;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      waitChange(p, cAcknowledged(w), acknowledged, left);
    }
  }
  return true;
}

/**
 * Whether the workers answer now: a ping each must acknowledge within ACK_TIMEOUT_MS
 * (microseconds when alive). The pool is lost when one does not.
 */
export function poolWorkerAnswers(p: Pool): boolean {
  if (!p.workers) return false;
  if (postJob(p, Int32Array.of(OP_PING))) return true;
  losePool(p);
  return false;
}

/** Whether a barrier of the job gave up, or a worker failed it (the job's last word). */
function jobFailed(p: Pool): boolean {
  const words = p.wasm.job_words();
  return Atomics.load(new Int32Array(p.memory.buffer, JOB, words), words - 1) !== 0;
}

/**
 * Runs one job: on every part while the workers answer (this thread takes part 0, worker w part
 * w), else on this thread alone. `job(parts, nowait)` gives the whole job for that many parts
 * (nowait: part 0 must spin at barriers; its last three words, the barrier's count, generation
 * and failure flag, zero).
 * Throws PoolLostError, and loses the pool, when a worker stopped after picking the job up.
 */
export function runPoolJob(p: Pool, job: (parts: number, nowait: boolean) => Int32Array): void {
  const parts = jobParts(p);
  const words = job(parts, !p.canWait);
  if (p.workers && !postJob(p, words)) losePool(p); // nothing was done: run it alone
  if (!p.workers) {
    const alone = parts === 1 ? words : job(1, !p.canWait);
    new Int32Array(p.memory.buffer, JOB, alone.length).set(alone);
    p.wasm.pool_part(JOB, 0);
    return;
  }
  p.wasm.pool_part(JOB, 0);
  if (jobFailed(p)) {
    losePool(p);
    throw new PoolLostError('a worker thread stopped during a job (a step barrier gave up)');
  }
  // Our part returns after its last barrier; a worker's when its share is done.
  const control = controlWords(p);
  const deadline = performance.now() + JOB_TIMEOUT_MS;
  for (let w = 1; w < p.parts; w++) {
    for (;;) {
      const finished = Atomics.load(control, cFinished(w));
      if (finished === p.posted) break;
      if (performance.now() > deadline) {
        losePool(p);
        throw new PoolLostError('a worker thread did not finish its part');
      }
      waitChange(p, cFinished(w), finished, 1);
    }
  }
  if (jobFailed(p)) {
    losePool(p);
    throw new PoolLostError('a worker thread stopped during a job');
  }
  state.poolJobs += 1;
}

/**
 * The Node pool's threads when it starts (NODE_PARTS by default, at most MAX_PARTS): tests run
 * the kernels on more parts than this machine's pool would. Call before the pool starts.
 */
export function setNodePoolPartsForTests(parts: number): void {
  if (state.pool !== undefined)
    throw new Error('setNodePoolPartsForTests: the pool already started');
  state.nodeParts = Math.min(MAX_PARTS, Math.max(NODE_PARTS, parts));
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
 * Makes the pool's workers throw between jobs, as crashed workers would, and returns once the
 * first is throwing, never to pick up a job again (tests). Its 'error' and 'exit' events come only
 * when the event loop runs; until then only the acknowledgements can tell.
 */
export function stopPoolWorkerForTests(): void {
  const p = state.pool;
  if (!p?.workers) throw new Error('stopPoolWorkerForTests: no pool worker is running');
  if (!postJob(p, Int32Array.of(OP_THROW))) {
    throw new Error('stopPoolWorkerForTests: the worker did not answer');
  }
  const control = controlWords(p);
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (Atomics.load(control, cFinished(1)) !== p.posted && performance.now() < deadline) {
    waitChange(p, cFinished(1), Atomics.load(control, cFinished(1)), 1);
  }
}
