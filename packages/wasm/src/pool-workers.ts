/*
 * The pool's worker threads, in Node (worker_threads) and in browsers (Web Workers): each runs
 * our module's shared-memory build on the pool's WebAssembly.Memory and takes one part of every
 * job (wasm-threads.ts says how jobs are posted, acknowledged and finished). A worker sleeps in
 * timed Atomics.wait calls between jobs: every 1 ms just after a job, every 20 ms once idle.
 */

/** Threads in a pool at most: the calling thread and three workers. */
export const MAX_PARTS = 4;
/** Byte offset of the job (int32 words, see the J_ enum in recurrence.c). */
export const JOB = 64;
/** Control words (int32, from byte 0): the job posted last, then three per worker. */
export const C_POSTED = 0;
/** Worker of part w (1 … MAX_PARTS - 1) says it runs, picked up and finished a job here. */
export const cReady = (w: number) => w;
export const cAcknowledged = (w: number) => MAX_PARTS + w;
export const cFinished = (w: number) => 2 * MAX_PARTS + w;
export const CONTROL_WORDS = 3 * MAX_PARTS;
/** Job op 0 asks nothing of pool_part: a ping, which only the acknowledgement answers. */
export const OP_PING = 0;
/** Job op -1 makes the worker throw, as a crashed worker would (tests). */
export const OP_THROW = -1;
/** The job word giving the number of parts (J_PARTS in recurrence.c). */
const J_PARTS = 6;

/** A started worker, whichever kind. */
export interface PoolWorker {
  terminate(): void;
}

// The loop every worker runs once it has its part, module and memory. It re-reads the control
// words through a fresh view of the (possibly grown) memory each time, and waits with a timeout:
// a wake-up is never lost for good, and an idle worker sleeps. It reads the job's op before
// acknowledging: once acknowledged, a ping's words may be overwritten. A part the job does not
// use (the job has fewer parts) only acknowledges and finishes.
const LOOP = `
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const failed = exports.job_words() - 1, generation = failed - 1;
const control = () => new Int32Array(memory.buffer, 0, ${CONTROL_WORDS});
const job = () => new Int32Array(memory.buffer, ${JOB}, failed + 1);
const say = (word, value) => {
  Atomics.store(control(), word, value);
  Atomics.notify(control(), word);
};
say(part, 1);
ready();
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
  const parts = Atomics.load(job(), ${J_PARTS});
  say(${MAX_PARTS} + part, seen);
  try {
    if (op === ${OP_THROW}) throw new Error('gated thread pool: worker stopped for a test');
    if (op !== ${OP_PING} && part < parts) exports.pool_part(${JOB}, part);
  } catch (error) {
    Atomics.store(job(), failed, 1); // the other parts' barriers give up now, not in 10 s
    Atomics.notify(job(), generation);
    say(${2 * MAX_PARTS} + part, seen);
    throw error;
  }
  say(${2 * MAX_PARTS} + part, seen);
}
`;

const NODE_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, part } = workerData;
const ready = () => {};
${LOOP}`;

const BROWSER_SOURCE = `
self.onmessage = (event) => {
  self.onmessage = null;
  const { module, memory, part } = event.data;
  const ready = () => self.postMessage('ready');
  ${LOOP}
};`;

interface NodeWorker {
  unref(): void;
  on(event: 'exit' | 'error', listener: () => void): void;
  terminate(): Promise<number>;
}

/**
 * Starts the Node worker of `part` (unref'd: it never keeps the process alive); `lost` runs
 * when it exits or throws, once the event loop gets to it.
 */
export function startNodeWorker(
  load: (name: string) => unknown,
  shared: { module: WebAssembly.Module; memory: WebAssembly.Memory },
  part: number,
  lost: () => void,
): PoolWorker {
  const { Worker } = load('node:worker_threads') as {
    Worker: new (code: string, options: { eval: true; workerData: unknown }) => NodeWorker;
  };
  const worker = new Worker(NODE_SOURCE, { eval: true, workerData: { ...shared, part } });
  worker.unref();
  worker.on('exit', lost);
  worker.on('error', lost); // an 'error' without a listener would be thrown at the event loop
  return { terminate: () => void worker.terminate().catch(() => undefined) };
}

/** Whether this page or worker can run a pool of Web Workers on shared memory. */
export function browserPoolPossible(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  return g.crossOriginIsolated === true && typeof g.Worker === 'function';
}

/**
 * Starts the Web Worker of `part` (from a blob: URL, so nothing needs serving) and resolves once
 * it runs, or rejects after `timeoutMs`. A browser starts workers only while the starting thread
 * returns to its event loop, hence the promise.
 */
export function startBrowserWorker(
  shared: { module: WebAssembly.Module; memory: WebAssembly.Memory },
  part: number,
  lost: () => void,
  timeoutMs: number,
): Promise<PoolWorker> {
  const url = URL.createObjectURL(new Blob([BROWSER_SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      worker.terminate();
      reject(new Error(`gated thread pool: worker ${part} did not start in ${timeoutMs} ms`));
    }, timeoutMs);
    worker.onmessage = () => {
      clearTimeout(timer);
      worker.onerror = () => lost();
      resolve({ terminate: () => worker.terminate() });
    };
    worker.onerror = (event) => {
      clearTimeout(timer);
      event.preventDefault();
      reject(new Error(`gated thread pool: worker ${part} failed to start: ${event.message}`));
    };
    worker.postMessage({ ...shared, part });
  });
}
