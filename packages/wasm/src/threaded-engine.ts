import {
  type RecurrenceEngine,
  type RecurrenceInputs,
  type RecurrenceSpec,
  splitBiases,
} from '@gated/cells';
import { state } from './accelerator-state';
import { recordingGradients } from './gradient-tape';
import { threadedKernelsReady } from './threaded-kernels';
import { threadedRecurrence } from './threaded-recurrence';
import { wasmUnsupported } from './wasm-engine';
import { poolWorkerAnswers, poolWorkerLost, threadPool } from './wasm-threads';

const WORKER_LOST = "the thread pool's worker was lost";

/**
 * The kernels on several threads (Node: two; a cross-origin isolated page: up to four): the
 * input projection, every time step forward and back, and the weight and input gradients are
 * split between this thread and the pool's workers (threaded-recurrence.ts): the recurrence by
 * batch rows when each thread gets four or more, else by units (wasm/pool.c's split_by_rows). For directions with enough work to pay for the hand-offs, while the
 * pool's worker answers; once it is lost, the one-thread engine runs them.
 */
export const threadedEngine: RecurrenceEngine = {
  name: 'wasm-threads',
  unsupported(spec: RecurrenceSpec) {
    const plain = wasmUnsupported(spec);
    if (plain) return plain;
    if ((state.installed?.threads ?? 1) < 2) return 'installed with one thread';
    const { steps: T, batch: B, hidden: H } = spec;
    const limits = state.threadLimits;
    if (B < limits.batch) return `batch ${B} < ${limits.batch}: too few rows to split`;
    if (H < limits.hidden) return `hidden ${H} < ${limits.hidden}: too few units to split`;
    if (T * B * H * H < limits.work) {
      return `T·B·H² = ${T * B * H * H} < ${limits.work}: too little work for the hand-offs`;
    }
    if (poolWorkerLost()) return WORKER_LOST;
    if (!threadedKernelsReady()) return 'the thread pool is not available (no worker threads here)';
    // Asked each time: a worker that died since the last job would otherwise be found only by
    // that job, after this direction had been promised to the pool.
    if (!poolWorkerAnswers(threadPool()!)) return WORKER_LOST;
    return undefined;
  },
  run(spec: RecurrenceSpec, { x, weights, initial, mask }: RecurrenceInputs) {
    const bias = splitBiases(spec.kind, weights);
    const run = threadedRecurrence(
      spec.kind,
      {
        x,
        weightIh: weights.weightIh,
        bias: bias.input,
        weightHh: weights.weightHh,
        biasHh: bias.recurrent,
        h0: initial.h,
        c0: initial.c,
        mask,
      },
      {
        steps: spec.steps,
        batch: spec.batch,
        training: recordingGradients(),
        relu: spec.nonlinearity === 'relu',
      },
    );
    return { output: run.output, state: { h: run.h, c: run.c } };
  },
};
