import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { state } from './accelerator-state';
import { activeTape } from './gradient-tape';
import {
  align,
  GATES,
  OP,
  placeRecord,
  recordAreas,
  recordWords,
  runJob,
  type Sizes,
  type Slot,
  slotsEnd,
  type ThreadedKind,
  transientFloats,
} from './threaded-layout';
import { gatedWasmReady, heapPointer, type KernelArgs, type WasmBackend } from './wasm-module';
import { type Pool, reserveBytes, threadPool } from './wasm-threads';

/*
 * The tfjs kernels of the pool (wasm backend): GatedLstmSequence, GatedGruSequence and
 * GatedRnnSequence run a forward into a record (threaded-layout.ts), and GatedSequenceGrad, their
 * registered gradient, one input's gradient from it. They copy tensors between the backend's heap
 * and the pool's memory; the module does the rest.
 */

export const KERNELS: Record<ThreadedKind, string> = {
  lstm: 'GatedLstmSequence',
  gru: 'GatedGruSequence',
  rnn: 'GatedRnnSequence',
};
const GRADIENT = 'GatedSequenceGrad';

/**
 * The kernels' inputs, in the order they are given (and saved for the gradient). All are always
 * given; an empty tensor stands for one a kind or layer does not have (LSTM: biasHh, folded into
 * bias; GRU: c0; no mask; GRU without biases: biasHh).
 */
const INPUTS = ['x', 'weightIh', 'bias', 'weightHh', 'biasHh', 'h0', 'c0', 'mask'] as const;
type InputName = (typeof INPUTS)[number];

export interface SequenceAttrs {
  kind: ThreadedKind;
  /** Elman RNN: relu instead of tanh. */
  relu: boolean;
  steps: number;
  batch: number;
  training: boolean;
}

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Copies tfjs tensors into the pool at the given float offsets (none where the offset is 0). */
function copyIn(p: Pool, backend: WasmBackend, pairs: [tf.TensorInfo | undefined, number][]) {
  const ours = new Float32Array(p.memory.buffer);
  const heap = backend.wasm.HEAPF32;
  for (const [info, at] of pairs) {
    if (!info || !at) continue;
    const from = heapPointer(backend, info) / 4;
    ours.set(heap.subarray(from, from + count(info.shape)), at);
  }
}

/** A new float32 tensor of `shape` holding the pool's floats from offset `at`. */
function copyOut(p: Pool, backend: WasmBackend, shape: number[], at: number): tf.TensorInfo {
  const info = backend.makeOutput(shape, 'float32');
  const heap = backend.wasm.HEAPF32; // after makeOutput: allocating may grow (replace) the heap
  heap.set(new Float32Array(p.memory.buffer, at * 4, count(shape)), heapPointer(backend, info) / 4);
  return info;
}

/** Runs a forward into a new record; keeps it as a slot (under `id`) when training. */
function forwardRecord(
  p: Pool,
  backend: WasmBackend,
  inputs: KernelArgs['inputs'],
  sizes: Sizes,
  id = state.nextSlot++,
): Slot {
  const areas = recordAreas(sizes);
  const floats = areas.reduce((sum, [, n]) => sum + align(n), 0);
  const transient = transientFloats(p, sizes);
  const start = placeRecord(floats);
  const at: Record<string, number> = {};
  let next = start;
  for (const [name, n] of areas) {
    at[name] = n > 0 ? next : 0;
    next += align(n);
  }
  reserveBytes(p, (next + transient.total) * 4);
  copyIn(
    p,
    backend,
    INPUTS.map((name) => [inputs[name], at[name]!]),
  );
  runJob(p, sizes, {
    ...recordWords(sizes, at),
    op: sizes.training ? OP.train : OP.infer,
    scratch: next * 4,
  });
  const slot: Slot = {
    sizes,
    at,
    end: next,
    tape: activeTape(),
    backwardDone: false,
    weightsDone: false,
    inputGradDone: false,
  };
  if (sizes.training) state.slots.set(id, slot);
  return slot;
}

function sizesOf(inputs: KernelArgs['inputs'], attrs: SequenceAttrs, training: boolean): Sizes {
  const [G, H] = inputs.weightHh!.shape as [number, number];
  return {
    kind: attrs.kind,
    relu: attrs.relu,
    T: attrs.steps,
    B: attrs.batch,
    H,
    I: inputs.weightIh!.shape[1]!,
    hasMask: count(inputs.mask!.shape) > 0,
    hasBiasHh: count(inputs.biasHh!.shape) === G,
    training,
  };
}

/** Forward outputs: output [T, B, H], h [B, H], (LSTM) c [B, H], (training) the handle. */
function sequenceKernel({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo[] {
  const a = attrs as SequenceAttrs;
  const p = requirePool();
  const sizes = sizesOf(inputs, a, a.training);
  const id = state.nextSlot++;
  const { at } = forwardRecord(p, backend, inputs, sizes, id);
  const { T, B, H } = sizes;
  const results = [
    copyOut(p, backend, [T, B, H], sizes.hasMask ? at.out! : at.hist! + B * H),
    copyOut(p, backend, [B, H], at.hist! + T * B * H),
  ];
  if (a.kind === 'lstm') results.push(copyOut(p, backend, [B, H], at.chist! + T * B * H));
  if (!a.training) return results;
  const handle = (
    backend as unknown as { makeOutput(s: number[], d: 'int32'): tf.TensorInfo }
  ).makeOutput([1], 'int32');
  new Int32Array(backend.wasm.HEAPF32.buffer)[heapPointer(backend, handle) / 4] = id;
  return [...results, handle];
}

/** The gradient of one input of a sequence kernel (attr `which`). */
function gradientKernel({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const a = attrs as SequenceAttrs & { which: InputName };
  const p = requirePool();
  const id = new Int32Array(backend.wasm.HEAPF32.buffer)[heapPointer(backend, inputs.handle) / 4]!;
  // Released or evicted: the forward again, from the inputs tfjs saved, kept under the same id.
  const slot =
    state.slots.get(id) ?? forwardRecord(p, backend, inputs, sizesOf(inputs, a, true), id);
  const { sizes, at } = slot;
  const transient = transientFloats(p, sizes);
  const scratch = Math.max(slotsEnd(), slot.end);
  const shared = scratch + align(transient.scratch);
  const dout = shared + align(transient.shared);
  reserveBytes(p, (scratch + transient.total) * 4);
  const words = {
    ...recordWords(sizes, at),
    scratch: scratch * 4,
    shared: shared * 4,
    dout: dout * 4,
  };
  if (!slot.backwardDone) {
    copyIn(p, backend, [
      [inputs.dOut, dout],
      [inputs.dh, at.dh!],
      [inputs.dc, at.dc!],
    ]);
    runJob(p, sizes, { ...words, op: OP.backward });
    slot.backwardDone = true;
  }
  const { T, B, H, I } = sizes;
  const G = GATES[sizes.kind] * H;
  switch (a.which) {
    case 'h0':
      return copyOut(p, backend, [B, H], at.dh!);
    case 'c0':
      return copyOut(p, backend, [B, H], at.dc!);
    case 'x':
      if (!slot.inputGradDone) runJob(p, sizes, { ...words, op: OP.inputGrad });
      slot.inputGradDone = true;
      return copyOut(p, backend, [T * B, I], at.dx!);
    default: {
      if (!slot.weightsDone) runJob(p, sizes, { ...words, op: OP.weights });
      slot.weightsDone = true;
      if (a.which === 'weightIh') return copyOut(p, backend, [G, I], at.dwih!);
      if (a.which === 'weightHh') return copyOut(p, backend, [G, H], at.dwhh!);
      if (a.which === 'biasHh') return copyOut(p, backend, [G], at.dbhh!);
      return copyOut(p, backend, [G], at.db!);
    }
  }
}

/**
 * The pool's memory and this thread's instance on it. A worker lost since the engine chose the
 * pool leaves both usable: the jobs then run on this thread alone (wasm-threads.ts).
 */
function requirePool(): Pool {
  if (!state.pool) throw new Error('gated thread pool: not available (its worker did not start)');
  return state.pool;
}

/** The gradient of the three sequence kernels: one GatedSequenceGrad call per input asked for. */
function registerGradients(): void {
  if (tf.getGradient(KERNELS.lstm)) return;
  for (const kind of ['lstm', 'gru', 'rnn'] as const) {
    const outputs = kind === 'lstm' ? 3 : 2; // then the handle
    tf.registerGradient({
      kernelName: KERNELS[kind],
      inputsToSave: [...INPUTS],
      outputsToSave: [...new Array(outputs).fill(false), true],
      gradFunc: (dy, saved, attrs) => {
        const [dOut, dh, dc] = dy as Tensor[];
        const given = Object.fromEntries(INPUTS.map((n, i) => [n, saved[i]!]));
        const inputs: tf.NamedTensorMap = {
          dOut: dOut!,
          dh: dh!,
          handle: saved[INPUTS.length]!,
          ...given,
        };
        if (kind === 'lstm') inputs.dc = dc!;
        return Object.fromEntries(
          INPUTS.map((name) => [
            name,
            name === 'mask'
              ? () => tf.zerosLike(given.mask!)
              : () =>
                  tf
                    .engine()
                    .runKernel(GRADIENT, inputs, { ...attrs, which: name } as never) as Tensor,
          ]),
        );
      },
    });
  }
}

/** Whether the pool runs now: our kernels attached to the wasm heap and the worker up. */
export function threadedKernelsReady(): boolean {
  if (!threadPool()) return false;
  const ready = gatedWasmReady({
    [KERNELS.lstm]: sequenceKernel as unknown as tf.KernelFunc,
    [KERNELS.gru]: sequenceKernel as unknown as tf.KernelFunc,
    [KERNELS.rnn]: sequenceKernel as unknown as tf.KernelFunc,
    [GRADIENT]: gradientKernel as unknown as tf.KernelFunc,
  });
  if (ready) registerGradients();
  return ready;
}
