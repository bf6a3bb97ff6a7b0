import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { sliceFlat } from './flat-slice';
import { recordingGradients } from './gradient-tape';
import { gruStep } from './gru-step';
import { lstmStep } from './lstm-step';
import type { CellState } from './recurrent-step';
import { type Nonlinearity, rnnStep } from './rnn-step';
import { transposedWeight } from './transposed-weights';
import { unstackFirst } from './unstack';
import { columnSums, product } from './wasm-matmul';
import {
  type RecurrenceAttrs,
  runBackwardKernel,
  runForwardKernel,
  wasmRecurrenceAvailable,
} from './wasm-recurrence';
import { installWasmSliceKernels } from './wasm-slice-kernel';

/** Which recurrence, and its sizes. */
export interface FusedRecurrence {
  kind: 'lstm' | 'gru' | 'rnn';
  nonlinearity?: Nonlinearity;
  steps: number;
  batch: number;
  hidden: number;
  /** Width of h: projSize for a projected LSTM, else hidden. */
  outputSize: number;
}

export interface FusedInputs {
  /** `[T*B, G*H]`: the input projection of every step, biases folded in as the kind allows. */
  projected: Tensor2D;
  h0: Tensor2D;
  c0?: Tensor2D;
  /** `[G*H, Hout]` */
  weightHh: Tensor;
  /** `[G*H]`, GRU only (it stays inside the reset-gated term). */
  biasHh?: Tensor;
  /** `[P, H]`, projected LSTM only. */
  weightHr?: Tensor;
  /** `[T, B, 1]` packed-sequence mask (no gradient). */
  mask?: Tensor3D;
}

export interface FusedOutputs {
  output: Tensor3D; // [T, B, Hout]
  h: Tensor2D; // [B, Hout]
  c?: Tensor2D; // [B, H]
}

/**
 * One direction of one layer as a single differentiable op with hand-written backpropagation
 * through time. The forward is the same step math as the traced loop; the backward replaces
 * the tape's per-step work (about three times the ops, and a weight-gradient matmul plus an
 * accumulation at every step) with the gate derivatives per step and one matmul for each
 * weight gradient over all steps: dW_hh = Σ_t dz_tᵀ h_{t-1} as `DZᵀ · H_prev`.
 */
export function fusedRecurrence(spec: FusedRecurrence, inputs: FusedInputs): FusedOutputs {
  const { steps, batch, hidden, outputSize } = spec;
  const names = ['projected', 'h0', 'c0', 'weightHh', 'biasHh', 'weightHr', 'mask'] as const;
  const present = names.filter((n) => inputs[n] !== undefined);
  // On wasm, the whole loop is one kernel each way (wasm-recurrence.ts); elsewhere, tfjs ops.
  const kernel: RecurrenceAttrs | undefined =
    !inputs.weightHr && wasmRecurrenceAvailable()
      ? {
          kind: spec.kind,
          relu: spec.nonlinearity === 'relu',
          steps,
          batch,
          hidden,
          training: recordingGradients(),
        }
      : undefined;
  if (kernel && !kernel.training) {
    // Inference: no gradient to define, so the kernel's own outputs are the result.
    const run = runForwardKernel(kernel, inputs);
    return { output: run.output, h: run.h, c: run.c };
  }
  const op = tf.customGrad(((...args: unknown[]) => {
    const save = args.at(-1) as tf.GradSaveFunc;
    const given = Object.fromEntries(
      present.map((n, i) => [n, args[i] as Tensor]),
    ) as unknown as FusedInputs;
    const { flat, saved } = kernel
      ? kernelForward(kernel, given)
      : forward(spec, given, given.mask);
    // The mask is an input only so that it is kept alive for the backward pass.
    save(given.mask ? [...saved, given.mask] : saved);
    return {
      value: flat,
      gradFunc: (dy: Tensor, kept: Tensor[]) => {
        const mask = given.mask ? (kept.at(-1) as Tensor3D) : undefined;
        const savedOnly = given.mask ? kept.slice(0, -1) : kept;
        const grads = kernel
          ? kernelBackward(kernel, given, mask, dy, savedOnly)
          : backward(spec, given, mask, dy, savedOnly);
        if (mask) grads.mask = tf.zeros(mask.shape);
        return present.map((n) => grads[n]!);
      },
    };
  }) as never) as (...tensors: Tensor[]) => Tensor;
  const flat = op(...present.map((n) => inputs[n]!));
  const outputEnd = steps * batch * outputSize;
  const hEnd = outputEnd + batch * outputSize;
  const result: FusedOutputs = {
    output: tf.reshape(sliceFlat(flat, 0, outputEnd), [steps, batch, outputSize]),
    h: tf.reshape(sliceFlat(flat, outputEnd, batch * outputSize), [batch, outputSize]),
  };
  if (spec.kind === 'lstm')
    result.c = tf.reshape(sliceFlat(flat, hEnd, batch * hidden), [batch, hidden]);
  return result;
}

function kernelForward(
  attrs: RecurrenceAttrs,
  given: FusedInputs,
): { flat: Tensor; saved: Tensor[] } {
  const { projected, h0, c0, weightHh, biasHh, mask } = given;
  const run = runForwardKernel(attrs, { projected, h0, c0, weightHh, biasHh, mask });
  const parts = [run.output, run.h, ...(run.c ? [run.c] : [])];
  const flat = tf.concat(parts.map((t) => tf.reshape(t, [-1])));
  tf.dispose(parts);
  return { flat, saved: run.kept };
}

/**
 * The gradients from the backward kernel, which returns the gradient of the input projection and
 * of the initial state; the weight gradient over all steps is one product here:
 * dW_hh = DZᵀ · H_prev, with DZ the gradient of each step's recurrent term.
 */
function kernelBackward(
  attrs: RecurrenceAttrs,
  given: FusedInputs,
  mask: Tensor3D | undefined,
  dy: Tensor,
  kept: Tensor[],
): Grads {
  const { steps, batch, hidden, kind } = attrs;
  const [first, second, third, fourth] = kept;
  const hPrev = tf.reshape(kind === 'lstm' ? third! : second!, [steps * batch, hidden]);
  // DZᵀ · H_prev, reading DZ [T·B, G·H] transposed in place.
  const weightGradient = (dRecurrent: Tensor) =>
    product(dRecurrent as Tensor2D, hPrev as Tensor2D, { aTransposed: true });
  const inputs = { weightHh: given.weightHh, dy, mask };
  if (kind === 'lstm') {
    const [dz, dh0, dc0] = runBackwardKernel(attrs, [first!, second!, fourth!], inputs);
    return { projected: dz, h0: dh0, c0: dc0, weightHh: weightGradient(dz!) };
  }
  if (kind === 'gru') {
    const [dx, dRecurrent, dh0] = runBackwardKernel(attrs, [first!, second!], inputs);
    const grads: Grads = { projected: dx, h0: dh0, weightHh: weightGradient(dRecurrent!) };
    if (given.biasHh) grads.biasHh = columnSums(dRecurrent as Tensor2D);
    return grads;
  }
  const [dPre, dh0] = runBackwardKernel(attrs, [first!], inputs);
  return { projected: dPre, h0: dh0, weightHh: weightGradient(dPre!) };
}

/** The step math of each kind: new state, and what its backward needs, per step. */
function stepOf(spec: FusedRecurrence, given: FusedInputs, weightHhT: Tensor) {
  return (xGates: Tensor2D, state: CellState): { state: CellState; keep: Tensor2D[] } => {
    let hGates = tf.matMul(state.h, weightHhT as Tensor2D);
    if (spec.kind === 'gru') {
      if (given.biasHh) hGates = tf.add(hGates, given.biasHh);
      const { state: next, gates } = gruStep(xGates, hGates as Tensor2D, state);
      const hn = tf.slice(hGates, [0, 2 * spec.hidden], [spec.batch, spec.hidden]) as Tensor2D;
      return { state: next, keep: [gates.reset, gates.update, gates.new, hn] };
    }
    if (spec.kind === 'lstm') {
      const { state: next, gates } = lstmStep(xGates, hGates as Tensor2D, state, given.weightHr);
      return { state: next, keep: [gates.input, gates.forget, gates.cell, gates.output, next.c!] };
    }
    const { state: next } = rnnStep(xGates, hGates as Tensor2D, state, spec.nonlinearity ?? 'tanh');
    return { state: next, keep: [next.h] };
  };
}

function forward(
  spec: FusedRecurrence,
  given: FusedInputs,
  mask: Tensor3D | undefined,
): { flat: Tensor; saved: Tensor[] } {
  installWasmSliceKernels(); // the op-by-op loop takes a slice per step (a no-op off wasm)
  const { steps, batch } = spec;
  const xGates = unstackFirst<Tensor2D>(tf.reshape(given.projected, [steps, batch, -1]));
  const one = tf.scalar(1); // one upload, not one per use
  const masks = mask ? unstackFirst<Tensor2D>(mask) : undefined;
  const holds = mask ? unstackFirst<Tensor2D>(tf.sub(one, mask)) : undefined;
  const step = stepOf(spec, given, transposedWeight(given.weightHh));
  let state: CellState = { h: given.h0, c: given.c0 };
  const outputs: Tensor2D[] = [];
  const previousH: Tensor2D[] = [];
  const previousC: Tensor2D[] = [];
  const kept: Tensor2D[][] = [];
  for (let t = 0; t < steps; t++) {
    previousH.push(state.h);
    if (state.c) previousC.push(state.c);
    const { state: stepped, keep } = step(xGates[t]!, state);
    kept.push(keep);
    const m = masks?.[t];
    if (m) {
      const hold = holds![t]!;
      const out = tf.mul(stepped.h, m) as Tensor2D;
      outputs.push(out);
      state = {
        h: tf.add(out, tf.mul(state.h, hold)) as Tensor2D,
        c: stepped.c && (tf.add(tf.mul(stepped.c, m), tf.mul(state.c!, hold)) as Tensor2D),
      };
    } else {
      outputs.push(stepped.h);
      state = stepped;
    }
  }
  const parts = [tf.stack(outputs), state.h, ...(state.c ? [state.c] : [])].map((t) =>
    tf.reshape(t, [-1]),
  );
  if (!recordingGradients()) return { flat: tf.concat(parts), saved: [] }; // inference: keep nothing
  const perStep = kept[0]!.map((_, k) => tf.stack(kept.map((row) => row[k]!))); // each [T, B, ·]
  const saved = [
    tf.stack(previousH),
    ...(previousC.length > 0 ? [tf.stack(previousC)] : []),
    ...perStep,
  ];
  return { flat: tf.concat(parts), saved };
}

/**
 * Per-step factors of the backward pass that depend only on the forward values, computed over
 * all steps at once ([T, B, ·] each) and unstacked.
 * LSTM: the gates, tanh(c), o·tanh'(c), and the derivative of each gate's activation laid out as
 * the gate block [i(1-i), f(1-f), 1-g², o(1-o)]. GRU: r, z, 1-z, 1-n², r(1-r)·hn, z(1-z)·(h-n).
 * RNN: the activation's slope.
 */
function precompute(
  spec: FusedRecurrence,
  given: FusedInputs,
  hPrevAll: Tensor,
  stacked: Tensor[],
  one: Tensor,
): Record<string, Tensor2D[] | undefined> {
  const each = (t: Tensor) => unstackFirst<Tensor2D>(t);
  if (spec.kind === 'lstm') {
    const [i, f, g, o, c] = stacked as Tensor3D[];
    const tanhC = tf.tanh(c!);
    const sigmoidSlope = (x: Tensor) => tf.mul(x, tf.sub(one, x));
    const derivative = tf.concat(
      [sigmoidSlope(i!), sigmoidSlope(f!), tf.sub(one, tf.square(g!)), sigmoidSlope(o!)],
      2,
    );
    return {
      i: each(i!),
      f: each(f!),
      g: each(g!),
      tanhC: each(tanhC),
      oDtanh: each(tf.mul(o!, tf.sub(one, tf.square(tanhC)))),
      derivative: each(derivative),
      oTanhC: given.weightHr ? each(tf.mul(o!, tanhC)) : undefined,
    };
  }
  if (spec.kind === 'gru') {
    const [r, z, n, hn] = stacked as Tensor3D[];
    return {
      r: each(r!),
      z: each(z!),
      oneMinusZ: each(tf.sub(one, z!)),
      dTanhN: each(tf.sub(one, tf.square(n!))),
      dResetHn: each(tf.mul(tf.mul(r!, tf.sub(one, r!)), hn!)),
      dUpdateHmN: each(tf.mul(tf.mul(z!, tf.sub(one, z!)), tf.sub(hPrevAll, n!))),
    };
  }
  const [h] = stacked as Tensor3D[];
  const slope =
    spec.nonlinearity === 'relu'
      ? tf.cast(tf.greater(h!, 0), 'float32')
      : tf.sub(one, tf.square(h!));
  return { slope: each(slope) };
}

type Grads = Partial<
  Record<'projected' | 'h0' | 'c0' | 'weightHh' | 'biasHh' | 'weightHr' | 'mask', Tensor>
>;

function backward(
  spec: FusedRecurrence,
  given: FusedInputs,
  mask: Tensor3D | undefined,
  dy: Tensor,
  kept: Tensor[],
): Grads {
  const { steps, batch, hidden, outputSize } = spec;
  const outputEnd = steps * batch * outputSize;
  const dOutputs = unstackFirst<Tensor2D>(
    tf.reshape(tf.slice(dy, [0], [outputEnd]), [steps, batch, outputSize]),
  );
  let dh = tf.reshape(tf.slice(dy, [outputEnd], [batch * outputSize]), [
    batch,
    outputSize,
  ]) as Tensor2D;
  let dc =
    spec.kind === 'lstm'
      ? (tf.reshape(tf.slice(dy, [outputEnd + batch * outputSize], [batch * hidden]), [
          batch,
          hidden,
        ]) as Tensor2D)
      : undefined;
  const one = tf.scalar(1); // one upload, not one per use
  const masks = mask ? unstackFirst<Tensor2D>(mask) : undefined;
  const holds = mask ? unstackFirst<Tensor2D>(tf.sub(one, mask)) : undefined;
  const unstackAll = (t: Tensor) => unstackFirst<Tensor2D>(t);
  const [hPrevAll, ...rest] = kept;
  const hPrev = unstackAll(hPrevAll!);
  const cPrev = spec.kind === 'lstm' ? unstackAll(rest.shift()!) : [];
  // Everything the step loop needs that does not depend on the incoming gradient is computed
  // here for all steps at once: a few large ops instead of many small ones per step.
  const pre = precompute(spec, given, hPrevAll!, rest, one);
  const weightHh = given.weightHh as Tensor2D;
  const dInputs: Tensor2D[] = new Array(steps); // gradient of each step's xGates
  const dRecurrent: Tensor2D[] = new Array(steps); // gradient of each step's h W_hhᵀ (+ b_hh)
  const dProjected: Tensor2D[] = []; // LSTM with projection: d(h_t) before W_hr, and h_full
  const fullH: Tensor2D[] = [];
  for (let t = steps - 1; t >= 0; t--) {
    const m = masks?.[t];
    const total = tf.add(dh, dOutputs[t]!) as Tensor2D;
    // Past a sequence's end the state was carried, not computed: route the gradient around.
    const dNew = m ? (tf.mul(total, m) as Tensor2D) : total;
    const carriedH = m ? (tf.mul(dh, holds![t]!) as Tensor2D) : undefined;
    if (spec.kind === 'lstm') {
      const [i, f, g, tanhC, oDtanh, derivative] = [
        'i',
        'f',
        'g',
        'tanhC',
        'oDtanh',
        'derivative',
      ].map((k) => pre[k]![t]!);
      const carriedC = m ? (tf.mul(dc!, holds![t]!) as Tensor2D) : undefined;
      const dcNew = m ? (tf.mul(dc!, m) as Tensor2D) : dc!;
      let dhFull = dNew;
      if (given.weightHr) {
        dProjected.push(dNew);
        fullH.push(pre.oTanhC![t]!);
        dhFull = tf.matMul(dNew, given.weightHr as Tensor2D);
      }
      const dcTotal = tf.add(dcNew, tf.mul(dhFull, oDtanh!)) as Tensor2D;
      // d(activation) of i, f, g, o, times each activation's derivative (precomputed).
      const dActivations = tf.concat(
        [
          tf.mul(dcTotal, g!),
          tf.mul(dcTotal, cPrev[t]!),
          tf.mul(dcTotal, i!),
          tf.mul(dhFull, tanhC!),
        ],
        1,
      );
      const dz = tf.mul(dActivations, derivative!) as Tensor2D;
      dInputs[t] = dz;
      dRecurrent[t] = dz;
      dc = tf.mul(dcTotal, f!) as Tensor2D;
      if (carriedC) dc = tf.add(dc, carriedC) as Tensor2D;
      dh = tf.matMul(dz, weightHh);
    } else if (spec.kind === 'gru') {
      const [r, z, oneMinusZ, dTanhN, dResetHn, dUpdateHmN] = [
        'r',
        'z',
        'oneMinusZ',
        'dTanhN',
        'dResetHn',
        'dUpdateHmN',
      ].map((k) => pre[k]![t]!);
      const dnPre = tf.mul(tf.mul(dNew, oneMinusZ!), dTanhN!);
      const drPre = tf.mul(dnPre, dResetHn!);
      const dzPre = tf.mul(dNew, dUpdateHmN!);
      dInputs[t] = tf.concat([drPre, dzPre, dnPre], 1) as Tensor2D;
      dRecurrent[t] = tf.concat([drPre, dzPre, tf.mul(dnPre, r!)], 1) as Tensor2D;
      dh = tf.add(tf.mul(dNew, z!), tf.matMul(dRecurrent[t]!, weightHh)) as Tensor2D;
    } else {
      const dPre = tf.mul(dNew, pre.slope![t]!) as Tensor2D;
      dInputs[t] = dPre;
      dRecurrent[t] = dPre;
      dh = tf.matMul(dPre, weightHh);
    }
    if (carriedH) dh = tf.add(dh, carriedH) as Tensor2D;
  }
  const rows = (list: Tensor2D[]) => tf.reshape(tf.stack(list), [steps * batch, -1]) as Tensor2D;
  const allRecurrent = rows(dRecurrent);
  const grads: Grads = {
    projected: rows(dInputs),
    h0: dh,
    // (Hprevᵀ · DZ)ᵀ: transposing the narrow H_prev and the small product beats transposing DZ.
    weightHh: tf.transpose(tf.matMul(tf.transpose(rows(hPrev)), allRecurrent)),
  };
  if (dc) grads.c0 = dc;
  if (given.biasHh) grads.biasHh = tf.sum(allRecurrent, 0);
  if (given.weightHr)
    grads.weightHr = tf.matMul(tf.transpose(rows(dProjected.reverse())), rows(fullH.reverse()));
  return grads;
}
