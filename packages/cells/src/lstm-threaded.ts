import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { gatedWasmReady, heapPointer, type WasmBackend } from './wasm-module';
import {
  lstmPool,
  PARTS,
  POOL_DATA,
  type Pool,
  reserveBytes,
  runPoolJob,
  useLstmThreads,
} from './wasm-threads';

/*
 * One direction of an LSTM layer on two threads (Node, wasm backend), input projection and
 * weight gradients included: the kernel GatedLstmSequence runs the forward, and its registered
 * gradient runs backpropagation through time, the weight gradients and dx as separate jobs, each
 * only when tfjs asks for that input's gradient (no dx for a constant input).
 *
 * The big intermediates (the gates of every step, the states, dz) never leave the pool's memory:
 * a training forward keeps them in a slot, named by a one-number int32 output the gradient keeps
 * (the handle). A slot is released once its backward has run and the next forward needs room,
 * or when a forward would take the pool past SLOT_BYTES with slots whose backward never came;
 * a backward whose slot is gone recomputes the forward from the inputs tfjs saved, so the result
 * never depends on which slots survived.
 */

const SEQUENCE = 'GatedLstmSequence';
const GRADIENT = 'GatedLstmSequenceGrad';
/** Memory for slots kept for a backward that has not come yet. */
const SLOT_BYTES = 512 * 2 ** 20;

/** The job words, in the order of the J_ enum in wasm/recurrence.c. */
const WORDS = [
  'op',
  'T',
  'B',
  'H',
  'I',
  'parts',
  'x',
  'weightIh',
  'bias',
  'weightHh',
  'h0',
  'c0',
  'mask',
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

/** The kernel's inputs, in the order they are given (and saved for the gradient). */
const INPUTS = ['x', 'weightIh', 'bias', 'weightHh', 'h0', 'c0', 'mask'] as const;
type InputName = (typeof INPUTS)[number];

interface SequenceAttrs {
  steps: number;
  batch: number;
  training: boolean;
  /** Whether `mask` is a real mask (else it is empty). */
  hasMask: boolean;
}

/** Sizes of one job. */
interface Sizes {
  T: number;
  B: number;
  H: number;
  I: number;
  hasMask: boolean;
  training: boolean;
}

/** A forward's data in the pool: float offsets of its areas (0: absent). */
interface Slot {
  sizes: Sizes;
  at: Record<string, number>;
  end: number;
  backwardDone: boolean;
  weightsDone: boolean;
  inputGradDone: boolean;
}

const slots = new Map<number, Slot>();
let nextSlot = 1;

/** Areas of a forward's record and their floats; 0 floats: not there. */
function recordAreas(s: Sizes): [string, number][] {
  const { T, B, H, I } = s;
  const R = T * B;
  const G = 4 * H;
  const areas: [string, number][] = [
    ['x', R * I],
    ['mask', s.hasMask ? R : 0],
    ['weightIh', G * I],
    ['bias', G],
    ['weightHh', G * H],
    ['h0', B * H],
    ['c0', B * H],
    ['gates', R * G],
    ['hist', (T + 1) * B * H],
    ['chist', (T + 1) * B * H],
    ['out', s.hasMask ? R * H : 0],
  ];
  if (s.training) {
    areas.push(['tanhc', R * H], ['dh', B * H], ['dc', B * H], ['dwih', G * I]);
    areas.push(['dwhh', G * H], ['db', G], ['dx', R * I]);
  }
  return areas;
}

/** Floats a job needs beyond its record: each part's scratch, the shared scratch, dout. */
function transientFloats(p: Pool, s: Sizes): { scratch: number; shared: number; total: number } {
  const scratch = p.wasm.lstm_part_floats(s.T, s.B, s.H, s.I, PARTS);
  const shared = p.wasm.lstm_shared_floats(s.T, s.B, s.H, s.I);
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
  // A slot whose backward ran is only read again by the same backward pass, before any forward.
  for (const [id, slot] of slots) if (slot.backwardDone) slots.delete(id);
  if (slots.size > 0 && (slotsEnd() + floats) * 4 > SLOT_BYTES) slots.clear();
  return slotsEnd();
}

function runJob(p: Pool, fields: Partial<Record<Word, number>>): void {
  if (p.wasm.job_words() !== WORDS.length) {
    throw new Error('gated thread pool: the module and lstm-threaded.ts disagree on the job');
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

/** Copies tfjs tensors into the pool at the given float offsets. */
function copyIn(p: Pool, backend: WasmBackend, pairs: [tf.TensorInfo | undefined, number][]) {
  const ours = new Float32Array(p.memory.buffer);
  const heap = backend.wasm.HEAPF32;
  for (const [info, at] of pairs) {
    if (!info) continue;
    const from = heapPointer(backend, info) / 4;
    ours.set(heap.subarray(from, from + count(info.shape)), at);
  }
}

/** A new float32 tensor of `shape` holding the pool's floats from offset `at`. */
function copyOut(p: Pool, backend: WasmBackend, shape: number[], at: number): tf.TensorInfo {
  const info = backend.makeOutput(shape, 'float32');
  const floats = count(shape);
  const heap = backend.wasm.HEAPF32; // after makeOutput: allocating may grow (replace) the heap
  heap.set(new Float32Array(p.memory.buffer, at * 4, floats), heapPointer(backend, info) / 4);
  return info;
}

/** Runs a forward into a new record; keeps it as a slot when training. */
function forwardRecord(
  p: Pool,
  backend: WasmBackend,
  inputs: KernelArgs['inputs'],
  sizes: Sizes,
  id = nextSlot++,
): { id: number; slot: Slot } {
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
  const scratch = next;
  reserveBytes(p, (next + transient.total) * 4);
  copyIn(
    p,
    backend,
    INPUTS.map((name) => [at[name] ? inputs[name] : undefined, at[name]!]),
  );
  const { T, B, H, I } = sizes;
  runJob(p, {
    op: sizes.training ? OP.train : OP.infer,
    T,
    B,
    H,
    I,
    parts: PARTS,
    ...bytesOf(at, ['x', 'weightIh', 'bias', 'weightHh', 'h0', 'c0', 'mask', 'gates']),
    ...bytesOf(at, ['hist', 'chist', 'tanhc', 'out']),
    scratch: scratch * 4,
    scratchFloats: transient.scratch,
  });
  const slot: Slot = {
    sizes,
    at,
    end: next,
    backwardDone: false,
    weightsDone: false,
    inputGradDone: false,
  };
  if (sizes.training) slots.set(id, slot);
  return { id, slot };
}

/** Byte offsets of the named areas, as job words. */
function bytesOf(at: Record<string, number>, names: string[]): Partial<Record<Word, number>> {
  return Object.fromEntries(names.map((n) => [n, (at[n] ?? 0) * 4]));
}

function sizesOf(inputs: KernelArgs['inputs'], attrs: SequenceAttrs, training: boolean): Sizes {
  const [G, I] = inputs.weightIh!.shape as [number, number];
  return {
    T: attrs.steps,
    B: attrs.batch,
    H: G / 4,
    I,
    hasMask: attrs.hasMask,
    training,
  };
}

function sequenceKernel({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo[] {
  const a = attrs as SequenceAttrs;
  const p = requirePool();
  const sizes = sizesOf(inputs, a, a.training);
  const { id, slot } = forwardRecord(p, backend, inputs, sizes);
  const { T, B, H } = sizes;
  const { at } = slot;
  const out = copyOut(p, backend, [T, B, H], sizes.hasMask ? at.out! : at.hist! + B * H);
  const h = copyOut(p, backend, [B, H], at.hist! + T * B * H);
  const c = copyOut(p, backend, [B, H], at.chist! + T * B * H);
  if (!a.training) return [out, h, c];
  const handle = (
    backend as unknown as { makeOutput(s: number[], d: 'int32'): tf.TensorInfo }
  ).makeOutput([1], 'int32');
  new Int32Array(backend.wasm.HEAPF32.buffer)[heapPointer(backend, handle) / 4] = id;
  return [out, h, c, handle];
}

/** The gradient of one input of GatedLstmSequence (attr `which`). */
function gradientKernel({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const a = attrs as SequenceAttrs & { which: InputName };
  const p = requirePool();
  const id = new Int32Array(backend.wasm.HEAPF32.buffer)[heapPointer(backend, inputs.handle) / 4]!;
  // Released or evicted: the forward again, from the inputs tfjs saved, kept under the same id.
  const slot =
    slots.get(id) ?? forwardRecord(p, backend, inputs, sizesOf(inputs, a, true), id).slot;
  const { T, B, H, I } = slot.sizes;
  const { at } = slot;
  const transient = transientFloats(p, slot.sizes);
  const scratch = Math.max(slotsEnd(), slot.end);
  const shared = scratch + align(transient.scratch * PARTS);
  const dout = shared + align(transient.shared);
  reserveBytes(p, (scratch + transient.total) * 4);
  const common = {
    T,
    B,
    H,
    I,
    parts: PARTS,
    ...bytesOf(at, ['x', 'weightIh', 'weightHh', 'mask', 'gates', 'hist', 'chist', 'tanhc']),
    ...bytesOf(at, ['dh', 'dc', 'dwih', 'dwhh', 'db', 'dx']),
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
    runJob(p, { ...common, op: OP.backward });
    slot.backwardDone = true;
  }
  const G = 4 * H;
  switch (a.which) {
    case 'h0':
      return copyOut(p, backend, [B, H], at.dh!);
    case 'c0':
      return copyOut(p, backend, [B, H], at.dc!);
    case 'x':
      if (!slot.inputGradDone) runJob(p, { ...common, op: OP.inputGrad });
      slot.inputGradDone = true;
      return copyOut(p, backend, [T * B, I], at.dx!);
    default: {
      if (!slot.weightsDone) runJob(p, { ...common, op: OP.weights });
      slot.weightsDone = true;
      if (a.which === 'weightIh') return copyOut(p, backend, [G, I], at.dwih!);
      if (a.which === 'weightHh') return copyOut(p, backend, [G, H], at.dwhh!);
      return copyOut(p, backend, [G], at.db!);
    }
  }
}

function requirePool(): Pool {
  const p = lstmPool();
  if (!p) throw new Error('gated thread pool: not available (its worker failed or timed out)');
  return p;
}

let gradientRegistered = false;

function registerGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: SEQUENCE,
    inputsToSave: [...INPUTS],
    outputsToSave: [false, false, false, true],
    gradFunc: (dy, saved, attrs) => {
      const [dOut, dh, dc] = dy as Tensor[];
      const a = attrs as unknown as SequenceAttrs;
      const given = Object.fromEntries(INPUTS.map((n, i) => [n, saved[i]!]));
      const inputs = { dOut: dOut!, dh: dh!, dc: dc!, handle: saved[INPUTS.length]!, ...given };
      return Object.fromEntries(
        INPUTS.map((name) => [
          name,
          name === 'mask'
            ? () => tf.zerosLike(given.mask!)
            : () =>
                tf.engine().runKernel(GRADIENT, inputs, { ...a, which: name } as never) as Tensor,
        ]),
      );
    },
  });
}

/**
 * Whether an LSTM direction of these sizes runs on the two-thread pool now: wasm backend, our
 * kernels and the pool available, and enough work to pay for the hand-offs (useLstmThreads).
 */
export function lstmOnThreads(steps: number, batch: number, hidden: number): boolean {
  if (!useLstmThreads(steps, batch, hidden)) return false;
  const ready = gatedWasmReady({
    [SEQUENCE]: sequenceKernel as unknown as tf.KernelFunc,
    [GRADIENT]: gradientKernel as unknown as tf.KernelFunc,
  });
  if (ready) registerGradient();
  return ready;
}

/** One LSTM direction's inputs, PyTorch layouts. */
export interface ThreadedLstmInputs {
  /** `[T*B, I]`, time-major rows. */
  x: Tensor2D;
  /** `[4H, I]` */
  weightIh: Tensor;
  /** `[4H]`: b_ih + b_hh, or none. */
  bias?: Tensor;
  /** `[4H, H]` */
  weightHh: Tensor;
  h0: Tensor2D; // [B, H]
  c0: Tensor2D; // [B, H]
  /** `[T, B, 1]` packed-sequence mask. */
  mask?: Tensor3D;
}

/**
 * Runs one LSTM direction on the pool (check lstmOnThreads first); differentiable when
 * `training` (a gradient computation is recording).
 *
 * @returns output `[T, B, H]`, h and c `[B, H]`
 */
export function threadedLstm(
  inputs: ThreadedLstmInputs,
  steps: number,
  batch: number,
  training: boolean,
): { output: Tensor3D; h: Tensor2D; c: Tensor2D } {
  // Every input is always given (tfjs saves inputs by name): no bias is zeros, no mask empty.
  const G = inputs.weightIh.shape[0]!;
  const named: tf.NamedTensorMap = {
    ...inputs,
    bias: inputs.bias ?? tf.zeros([G]),
    mask: inputs.mask ?? tf.zeros([0]),
  };
  const attrs: SequenceAttrs = { steps, batch, training, hasMask: inputs.mask !== undefined };
  const results = tf.engine().runKernel(SEQUENCE, named, attrs as never) as Tensor[];
  const [output, h, c, handle] = results;
  handle?.dispose(); // the gradient keeps its own copy
  return { output: output as Tensor3D, h: h as Tensor2D, c: c as Tensor2D };
}

/** Forgets every kept slot, so that the next backward recomputes its forward (for tests). */
export function dropLstmSlots(): void {
  slots.clear();
}
