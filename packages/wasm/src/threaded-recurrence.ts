import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { state } from './accelerator-state';
import { KERNELS, type SequenceAttrs } from './threaded-kernels';
import type { ThreadedKind } from './threaded-layout';

export type { ThreadedKind } from './threaded-layout';

/*
 * One direction of an LSTM, GRU or Elman RNN layer on two threads (Node, wasm backend), input
 * projection and weight gradients included: the kernels GatedLstmSequence, GatedGruSequence and
 * GatedRnnSequence run the forward (threaded-kernels.ts), and their registered gradient runs
 * backpropagation through time, the weight gradients and dx as separate jobs, each only when
 * tfjs asks for that input's gradient (no dx for a constant input, no weight gradients for a
 * frozen layer).
 *
 * The big intermediates (the gates of every step, the states, their gradients) never leave the
 * pool's memory (threaded-layout.ts): a training forward keeps them in a slot, named by a
 * one-number int32 output the gradient keeps (the handle). The next forward releases the slots
 * whose backward has run or whose gradient computation has ended without one (a forward that did
 * not feed the loss), and all of them when they would take the pool past SLOT_BYTES; a backward
 * whose slot is gone recomputes the forward from the inputs tfjs saved, so the result never
 * depends on which slots survived. When the pool's worker is lost between a forward and its
 * backward, the backward's jobs run on this thread alone, on the same memory (wasm-threads.ts).
 */

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
 * Runs one LSTM, GRU or Elman RNN direction on the pool (check threadedKernelsReady first);
 * differentiable when `training` (a gradient computation is recording).
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
  state.slots.clear();
}

/** How many forwards the pool keeps for a backward (for tests). */
export function keptSlotCount(): number {
  return state.slots.size;
}
