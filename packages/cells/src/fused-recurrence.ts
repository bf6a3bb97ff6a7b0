import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { backward } from './fused-backward';
import { gruStep } from './gru-step';
import { lstmStep } from './lstm-step';
import type { RecurrenceSpec } from './recurrence-engine';
import type { CellState } from './recurrent-step';
import { rnnStep } from './rnn-step';
import { transposedWeight } from './transposed-weights';
import { unstackFirst } from './unstack';

/** Which recurrence, and its sizes. */
export type FusedRecurrence = Pick<
  RecurrenceSpec,
  'kind' | 'nonlinearity' | 'steps' | 'batch' | 'hidden' | 'outputSize'
>;

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
  const names = ['projected', 'h0', 'c0', 'weightHh', 'biasHh', 'weightHr', 'mask'] as const;
  const present = names.filter((n) => inputs[n] !== undefined);
  const op = tf.customGrad(((...args: unknown[]) => {
    const save = args.at(-1) as tf.GradSaveFunc;
    const given = Object.fromEntries(
      present.map((n, i) => [n, args[i] as Tensor]),
    ) as unknown as FusedInputs;
    const { flat, perStep } = forward(spec, given, given.mask);
    // Saved as they were made, one tensor per step and quantity; the backward stacks them, so
    // inference (where tfjs never calls the backward) pays nothing for what training needs.
    // The mask is saved only to keep it alive for the backward pass.
    const counts = perStep.map((list) => list.length);
    save([...perStep.flat(), ...(given.mask ? [given.mask] : [])]);
    return {
      value: flat,
      gradFunc: (dy: Tensor, kept: Tensor[]) => {
        const mask = given.mask ? (kept.at(-1) as Tensor3D) : undefined;
        const starts = counts.map((_, k) => counts.slice(0, k).reduce((a, b) => a + b, 0));
        const stacked = counts.map((n, k) => tf.stack(kept.slice(starts[k], starts[k]! + n)));
        const grads = backward(spec, given, mask, dy, stacked);
        if (mask) grads.mask = tf.zeros(mask.shape);
        return present.map((n) => grads[n]!);
      },
    };
  }) as never) as (...tensors: Tensor[]) => Tensor;
  return unflatten(spec, op(...present.map((n) => inputs[n]!)));
}

/**
 * The op's one flat value (or its gradient) read back as output `[T, B, Hout]`, h `[B, Hout]`
 * and, for the LSTM, c `[B, H]`, laid end to end in that order.
 */
export function unflatten(spec: FusedRecurrence, flat: Tensor): FusedOutputs {
  const { steps, batch, hidden, outputSize } = spec;
  const sizes = [steps * batch * outputSize, batch * outputSize, batch * hidden];
  const read = (k: number, shape: number[]) =>
    tf.reshape(
      tf.slice(
        flat,
        sizes.slice(0, k).reduce((a, b) => a + b, 0),
        sizes[k],
      ),
      shape,
    );
  const result: FusedOutputs = {
    output: read(0, [steps, batch, outputSize]) as Tensor3D,
    h: read(1, [batch, outputSize]) as Tensor2D,
  };
  if (spec.kind === 'lstm') result.c = read(2, [batch, hidden]) as Tensor2D;
  return result;
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
): { flat: Tensor; perStep: Tensor2D[][] } {
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
  // What the backward needs, each a list over steps: h_{t-1}, c_{t-1} (LSTM), then the kind's kept values.
  const perStep = [
    previousH,
    ...(previousC.length > 0 ? [previousC] : []),
    ...kept[0]!.map((_, k) => kept.map((row) => row[k]!)),
  ];
  return { flat: tf.concat(parts), perStep };
}
