import { linearProduct } from './fast-matmul';
import { fusedRecurrence } from './fused-recurrence';
import type { RecurrenceEngine, RecurrenceInputs, RecurrenceSpec } from './recurrence-engine';
import { splitBiases } from './recurrence-kinds';

/**
 * The portable fast engine: one product projects every step's input, then the whole time loop
 * is one differentiable op with hand-written backpropagation through time (fused-recurrence.ts).
 * Runs on every backend (WebGL, WebGPU, cpu, wasm without the accelerator); keeps no gates.
 */
export const fusedEngine: RecurrenceEngine = {
  name: 'fused',
  unsupported: (spec: RecurrenceSpec) =>
    spec.tracing ? 'tracing keeps every gate, which only the reference engine records' : undefined,
  run(spec: RecurrenceSpec, { x, weights, initial, mask }: RecurrenceInputs) {
    const bias = splitBiases(spec.kind, weights);
    const projected = linearProduct(x, weights.weightIh, bias.input); // [T*B, G*H]
    const run = fusedRecurrence(spec, {
      projected,
      h0: initial.h,
      c0: initial.c,
      weightHh: weights.weightHh,
      biasHh: bias.recurrent,
      weightHr: weights.weightHr,
      mask,
    });
    return { output: run.output, state: { h: run.h, c: run.c } };
  },
};
