import {
  linearProduct,
  type RecurrenceEngine,
  type RecurrenceInputs,
  type RecurrenceSpec,
  splitBiases,
} from '@gated/cells';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { sliceFlat } from './flat-slice';
import { recordingGradients } from './gradient-tape';
import { gatedProducts } from './wasm-matmul';
import {
  type RecurrenceAttrs,
  runBackwardKernel,
  runForwardKernel,
  wasmRecurrenceAvailable,
} from './wasm-recurrence';

/**
 * One thread of WebAssembly SIMD. Inference: one kernel call per direction, input projection
 * included, keeping nothing for a backward. Training: the input projection on our product
 * kernel, then the whole time loop as one kernel call forward (wasm-recurrence.ts) and one
 * backward.
 */
export const wasmEngine: RecurrenceEngine = {
  name: 'wasm',
  unsupported: wasmUnsupported,
  run(spec: RecurrenceSpec, { x, weights, initial, mask }: RecurrenceInputs) {
    const attrs: RecurrenceAttrs = {
      kind: spec.kind,
      relu: spec.nonlinearity === 'relu',
      steps: spec.steps,
      batch: spec.batch,
      hidden: spec.hidden,
      training: recordingGradients(),
    };
    if (!attrs.training) {
      // One kernel call: the input projection and the biases run inside it, no tfjs op around.
      const run = runForwardKernel(attrs, {
        x,
        weightIh: weights.weightIh,
        biasIh: weights.biasIh,
        biasHh: weights.biasHh,
        h0: initial.h,
        c0: initial.c,
        weightHh: weights.weightHh,
        mask,
      });
      return { output: run.output, state: { h: run.h, c: run.c } };
    }
    const bias = splitBiases(spec.kind, weights);
    // On our product kernel: install() hands it to @gated/cells (setMatrixProducts).
    const projected = linearProduct(x, weights.weightIh, bias.input); // [T*B, G*H]
    const inputs: KernelInputs = {
      projected,
      h0: initial.h,
      c0: initial.c,
      weightHh: weights.weightHh,
      biasHh: bias.recurrent,
      mask,
    };
    const run = differentiable(attrs, inputs);
    return { output: run.output, state: { h: run.h, c: run.c } };
  },
};

/** Why the one-thread kernels cannot run `spec`, shared with the threaded engine. */
export function wasmUnsupported(spec: RecurrenceSpec): string | undefined {
  if (spec.tracing) return 'tracing keeps every gate, which only the reference engine records';
  if (spec.projected) return 'the kernels have no LSTM projection (projSize)';
  if (spec.backend !== 'wasm') return `the active backend is ${spec.backend}, not wasm`;
  if (!wasmRecurrenceAvailable()) return "our module could not attach to the wasm backend's heap";
  return undefined;
}

interface KernelInputs {
  projected: Tensor2D;
  h0: Tensor2D;
  c0?: Tensor2D;
  weightHh: Tensor;
  biasHh?: Tensor;
  mask?: Tensor3D;
}

type Grads = Partial<Record<keyof KernelInputs, Tensor>>;

/** The kernels as one differentiable op: output, h and c flattened into one tensor. */
function differentiable(
  attrs: RecurrenceAttrs,
  inputs: KernelInputs,
): { output: Tensor3D; h: Tensor2D; c?: Tensor2D } {
  const { steps, batch, hidden } = attrs;
  const names = ['projected', 'h0', 'c0', 'weightHh', 'biasHh', 'mask'] as const;
  const present = names.filter((n) => inputs[n] !== undefined);
  const op = tf.customGrad(((...args: unknown[]) => {
    const save = args.at(-1) as tf.GradSaveFunc;
    const given = Object.fromEntries(
      present.map((n, i) => [n, args[i] as Tensor]),
    ) as unknown as KernelInputs;
    const { flat, saved } = kernelForward(attrs, given);
    // The mask is saved only to keep it alive for the backward pass.
    save(given.mask ? [...saved, given.mask] : saved);
    return {
      value: flat,
      gradFunc: (dy: Tensor, kept: Tensor[]) => {
        const mask = given.mask ? (kept.at(-1) as Tensor3D) : undefined;
        const grads = kernelBackward(attrs, given, mask, dy, given.mask ? kept.slice(0, -1) : kept);
        if (mask) grads.mask = tf.zeros(mask.shape);
        return present.map((n) => grads[n]!);
      },
    };
  }) as never) as (...tensors: Tensor[]) => Tensor;
  const flat = op(...present.map((n) => inputs[n]!));
  const outputEnd = steps * batch * hidden;
  return {
    output: tf.reshape(sliceFlat(flat, 0, outputEnd), [steps, batch, hidden]),
    h: tf.reshape(sliceFlat(flat, outputEnd, batch * hidden), [batch, hidden]),
    c:
      attrs.kind === 'lstm'
        ? tf.reshape(sliceFlat(flat, outputEnd + batch * hidden, batch * hidden), [batch, hidden])
        : undefined,
  };
}

function kernelForward(
  attrs: RecurrenceAttrs,
  given: KernelInputs,
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
  given: KernelInputs,
  mask: Tensor3D | undefined,
  dy: Tensor,
  kept: Tensor[],
): Grads {
  const { steps, batch, hidden, kind } = attrs;
  const [first, second, third, fourth] = kept;
  const hPrev = tf.reshape(kind === 'lstm' ? third! : second!, [steps * batch, hidden]);
  // DZᵀ · H_prev, reading DZ [T·B, G·H] transposed in place.
  // (The engine runs only where the kernels can, so the products are never undefined here.)
  const weightGradient = (dRecurrent: Tensor) =>
    gatedProducts.product(dRecurrent as Tensor2D, hPrev as Tensor2D, { aTransposed: true })!;
  const inputs = { weightHh: given.weightHh, dy, mask };
  if (kind === 'lstm') {
    const [dz, dh0, dc0] = runBackwardKernel(attrs, [first!, second!, fourth!], inputs);
    return { projected: dz, h0: dh0, c0: dc0, weightHh: weightGradient(dz!) };
  }
  if (kind === 'gru') {
    const [dx, dRecurrent, dh0] = runBackwardKernel(attrs, [first!, second!], inputs);
    const grads: Grads = { projected: dx, h0: dh0, weightHh: weightGradient(dRecurrent!) };
    if (given.biasHh) grads.biasHh = gatedProducts.columnSums(dRecurrent as Tensor2D)!;
    return grads;
  }
  const [dPre, dh0] = runBackwardKernel(attrs, [first!], inputs);
  return { projected: dPre, h0: dh0, weightHh: weightGradient(dPre!) };
}
