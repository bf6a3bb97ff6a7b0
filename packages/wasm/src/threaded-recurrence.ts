import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { state } from './accelerator-state';
import { activeTape } from './gradient-tape';
import { gatedWasmReady, heapPointer, type WasmBackend } from './wasm-module';
import { PARTS, POOL_DATA, type Pool, reserveBytes, runPoolJob, threadPool } from './wasm-threads';

/*
 * One direction of an LSTM, GRU or Elman RNN layer on two threads (Node, wasm backend), input
 * projection and weight gradients included: the kernels GatedLstmSequence, GatedGruSequence and
 * GatedRnnSequence run the forward,
 * and their registered gradient runs backpropagation through time, the weight gradients and dx
 * as separate jobs, each only when tfjs asks for that input's gradient (no dx for a constant
 * input, no weight gradients for a frozen layer).
 *
 * The big intermediates (the gates of every step, the states, their gradients) never leave the
 * pool's memory: a training forward keeps them in a slot, named by a one-number int32 output the
 * gradient keeps (the handle). The next forward releases the slots whose backward has run or
 * whose gradient computation has ended without one (a forward that did not feed the loss), and
 * all of them when they would take the pool past SLOT_BYTES; a backward whose slot is gone
 * recomputes the forward from the inputs tfjs saved, so the result never depends on which slots
 * survived.
 */

export type ThreadedKind = 'lstm' | 'gru' | 'rnn';

const KERNELS: Record<ThreadedKind, string> = {
  lstm: 'GatedLstmSequence',
  gru: 'GatedGruSequence',
  rnn: 'GatedRnnSequence',
};
const GRADIENT = 'GatedSequenceGrad';
/** Memory for slots kept for a backward that has not come yet. */
const SLOT_BYTES = 512 * 2 ** 20;

/** The job words, in the order of the J_ enum in wasm/recurrence.c. */
const WORDS = [
  'op',
  'kind',
  'T',
  'B',
  'H',
  'I',
  'parts',
  'x',
  'weightIh',
  'bias',
  'weightHh',
  'biasHh',
  'h0',
  'c0',
  'mask',
  'xg',
  'gates',
  'hist',
  'chist',
  'tanhc',
  'out',
  'dout',
  'dh',
  'dc',
  'dwih',
  'dwhh',
  'db',
  'dbhh',
  'dx',
  'scratch',
  'scratchFloats',
  'shared',
  'count',
  'generation',
  'failed',
] as const;
type Word = (typeof WORDS)[number];
const OP = { infer: 1, train: 2, backward: 3, weights: 4, inputGrad: 5 } as const;
/** KIND_ in recurrence.c; the Elman RNN's code says its nonlinearity. */
const kindCode = (kind: ThreadedKind, relu: boolean) =>
  kind === 'lstm' ? 1 : kind === 'gru' ? 2 : relu ? 4 : 3;
const GATES: Record<ThreadedKind, number> = { lstm: 4, gru: 3, rnn: 1 };

/**
 * The kernels' inputs, in the order they are given (and saved for the gradient). All are always
 * given; an empty tensor stands for one a kind or layer does not have (LSTM: biasHh, folded into
 * bias; GRU: c0; no mask; GRU without biases: biasHh).
 */
const INPUTS = ['x', 'weightIh', 'bias', 'weightHh', 'biasHh', 'h0', 'c0', 'mask'] as const;
type InputName = (typeof INPUTS)[number];

interface SequenceAttrs {
  kind: ThreadedKind;
  /** Elman RNN: relu instead of tanh. */
  relu: boolean;
  steps: number;
  batch: number;
  training: boolean;
}

/** Sizes of one job. */
interface Sizes {
  kind: ThreadedKind;
  relu: boolean;
  T: number;
  B: number;
  H: number;
  I: number;
  hasMask: boolean;
  hasBiasHh: boolean;
  training: boolean;
}

/** A forward's data in the pool: float offsets of its areas (0: absent). */
export interface Slot {
  sizes: Sizes;
  at: Record<string, number>;
  end: number;
  /** The gradient tape the forward was recorded on (see gradient-tape.ts). */
  tape: unknown;
  backwardDone: boolean;
  weightsDone: boolean;
  inputGradDone: boolean;
}

const slots = state.slots;

/** Areas of a forward's record and their floats; 0 floats: not there. */
function recordAreas(s: Sizes): [string, number][] {
  const { T, B, H, I, training } = s;
  const lstm = s.kind === 'lstm';
  const gru = s.kind === 'gru';
  const R = T * B;
  const G = GATES[s.kind] * H;
  const areas: [string, number][] = [
    ['x', R * I],
    ['mask', s.hasMask ? R : 0],
    ['weightIh', G * I],
    ['bias', G],
    ['weightHh', G * H],
    ['biasHh', s.hasBiasHh ? G : 0],
    ['h0', B * H],
    ['c0', lstm ? B * H : 0],
    ['xg', gru ? R * G : 0],
    ['gates', gru ? (training ? R * 4 * H : 0) : R * G],
    ['hist', (T + 1) * B * H],
    ['chist', lstm ? (T + 1) * B * H : 0],
    ['out', s.hasMask ? R * H : 0],
  ];
  if (training) {
    areas.push(['tanhc', lstm ? R * H : 0], ['dh', B * H], ['dc', lstm ? B * H : 0]);
    areas.push(['dwih', G * I], ['dwhh', G * H], ['db', G], ['dbhh', s.hasBiasHh ? G : 0]);
    areas.push(['dx', R * I]);
  }
  return areas;
}

/** Floats a job needs beyond its record: each part's scratch, the shared scratch, dout. */
function transientFloats(p: Pool, s: Sizes): { scratch: number; shared: number; total: number } {
  const scratch = p.wasm.part_floats(kindCode(s.kind, s.relu), s.T, s.B, s.H, s.I, PARTS);
  const shared = p.wasm.shared_floats(s.T, s.B, s.H, s.I);
  return { scratch, shared, total: align(scratch * PARTS) + align(shared) + s.T * s.B * s.H };
}

const align = (floats: number) => Math.ceil(floats / 4) * 4; // 16 bytes

/** The float offset where the slots in use end: records and job scratch go after it. */
function slotsEnd(): number {
  let end = POOL_DATA / 4;
  for (const slot of slots.values()) end = Math.max(end, slot.end);
  return end;
}

/**
 * Where a new record of `floats` goes: after the slots still waiting for their backward, or at
 * the start when they would take the pool past SLOT_BYTES (they are then recomputed if needed).
 */
function placeRecord(floats: number): number {
  // A slot whose backward ran is only read again by the same backward pass, before any forward;
  // one recorded on a tape that is no longer active will never see its backward.
  const tape = activeTape();
  for (const [id, slot] of slots) {
    const orphaned = slot.tape !== undefined && slot.tape !== tape;
    if (slot.backwardDone || orphaned) slots.delete(id);
  }
  if (slots.size > 0 && (slotsEnd() + floats) * 4 > SLOT_BYTES) slots.clear();
  return slotsEnd();
}

function runJob(p: Pool, fields: Partial<Record<Word, number>>): void {
  if (p.wasm.job_words() !== WORDS.length) {
    throw new Error('gated thread pool: the module and threaded-recurrence.ts disagree on the job');
  }
  runPoolJob(
    p,
    Int32Array.from(WORDS, (name) => fields[name] ?? 0),
  );
}

type KernelArgs = {
  inputs: Record<string, tf.TensorInfo | undefined>;
  attrs: unknown;
  backend: WasmBackend;
};

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

/** Byte offsets of the named areas, as job words. */
function bytesOf(at: Record<string, number>, names: Word[]): Partial<Record<Word, number>> {
  return Object.fromEntries(names.map((n) => [n, (at[n] ?? 0) * 4]));
}

/** The job words every job of a record shares: sizes and where its areas are. */
function recordWords(s: Sizes, at: Record<string, number>): Partial<Record<Word, number>> {
  const { T, B, H, I } = s;
  return {
    kind: kindCode(s.kind, s.relu),
    T,
    B,
    H,
    I,
    parts: PARTS,
    ...bytesOf(at, ['x', 'weightIh', 'bias', 'weightHh', 'biasHh', 'h0', 'c0', 'mask', 'xg']),
    ...bytesOf(at, ['gates', 'hist', 'chist', 'tanhc', 'out', 'dh', 'dc', 'dwih', 'dwhh']),
    ...bytesOf(at, ['db', 'dbhh', 'dx']),
  };
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
  runJob(p, {
    ...recordWords(sizes, at),
    op: sizes.training ? OP.train : OP.infer,
    scratch: next * 4,
    scratchFloats: transient.scratch,
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
  if (sizes.training) slots.set(id, slot);
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
  const slot = slots.get(id) ?? forwardRecord(p, backend, inputs, sizesOf(inputs, a, true), id);
  const { sizes, at } = slot;
  const transient = transientFloats(p, sizes);
  const scratch = Math.max(slotsEnd(), slot.end);
  const shared = scratch + align(transient.scratch * PARTS);
  const dout = shared + align(transient.shared);
  reserveBytes(p, (scratch + transient.total) * 4);
  const words = {
    ...recordWords(sizes, at),
    scratch: scratch * 4,
    scratchFloats: transient.scratch,
    shared: shared * 4,
    dout: dout * 4,
  };
  if (!slot.backwardDone) {
    copyIn(p, backend, [
      [inputs.dOut, dout],
      [inputs.dh, at.dh!],
      [inputs.dc, at.dc!],
    ]);
    runJob(p, { ...words, op: OP.backward });
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
      if (!slot.inputGradDone) runJob(p, { ...words, op: OP.inputGrad });
      slot.inputGradDone = true;
      return copyOut(p, backend, [T * B, I], at.dx!);
    default: {
      if (!slot.weightsDone) runJob(p, { ...words, op: OP.weights });
      slot.weightsDone = true;
      if (a.which === 'weightIh') return copyOut(p, backend, [G, I], at.dwih!);
      if (a.which === 'weightHh') return copyOut(p, backend, [G, H], at.dwhh!);
      if (a.which === 'biasHh') return copyOut(p, backend, [G], at.dbhh!);
      return copyOut(p, backend, [G], at.db!);
    }
  }
}

function requirePool(): Pool {
  const p = threadPool();
  if (!p) throw new Error('gated thread pool: not available (its worker failed or timed out)');
  return p;
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

/** One direction's inputs, PyTorch layouts; G = 4H (LSTM), 3H (GRU) or H (Elman RNN). */
export interface ThreadedInputs {
  /** `[T*B, I]`, time-major rows. */
  x: Tensor2D;
  /** `[G, I]` */
  weightIh: Tensor;
  /** `[G]`: b_ih + b_hh (GRU: b_ih alone); or none. */
  bias?: Tensor;
  /** `[G, H]` */
  weightHh: Tensor;
  /** `[G]`: GRU only (it stays inside the reset-gated term). */
  biasHh?: Tensor;
  h0: Tensor2D; // [B, H]
  /** `[B, H]`, LSTM only. */
  c0?: Tensor2D;
  /** `[T, B, 1]` packed-sequence mask. */
  mask?: Tensor3D;
}

/**
 * Runs one LSTM, GRU or Elman RNN direction on the pool (check threadedKernelsReady first); differentiable when
 * `training` (a gradient computation is recording).
 *
 * @returns output `[T, B, H]`, h and (LSTM) c `[B, H]`
 */
export function threadedRecurrence(
  kind: ThreadedKind,
  inputs: ThreadedInputs,
  options: { steps: number; batch: number; training: boolean; relu?: boolean },
): { output: Tensor3D; h: Tensor2D; c?: Tensor2D } {
  const { steps, batch, training, relu = false } = options;
  const G = inputs.weightHh.shape[0]!;
  const empty = () => tf.zeros([0]);
  const named: tf.NamedTensorMap = {
    x: inputs.x,
    weightIh: inputs.weightIh,
    bias: inputs.bias ?? tf.zeros([G]),
    weightHh: inputs.weightHh,
    biasHh: inputs.biasHh ?? empty(),
    h0: inputs.h0,
    c0: inputs.c0 ?? empty(),
    mask: inputs.mask ?? empty(),
  };
  const attrs: SequenceAttrs = { kind, relu, steps, batch, training };
  const results = tf.engine().runKernel(KERNELS[kind], named, attrs as never) as Tensor[];
  const [output, h] = results as [Tensor3D, Tensor2D];
  const c = kind === 'lstm' ? (results[2] as Tensor2D) : undefined;
  if (training) results.at(-1)!.dispose(); // the handle: the gradient keeps its own copy
  return { output, h, c };
}

/** Forgets every kept slot, so that the next backward recomputes its forward (for tests). */
export function dropThreadedSlots(): void {
  slots.clear();
}

/** How many forwards the pool keeps for a backward (for tests). */
export function keptSlotCount(): number {
  return slots.size;
}
