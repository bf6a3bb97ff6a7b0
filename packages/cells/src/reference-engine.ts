import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { RecurrenceEngine, RecurrenceInputs, RecurrenceSpec } from './recurrence-engine';
import { splitBiases, stepOfKind } from './recurrence-kinds';
import type { CellState } from './recurrent-step';
import { unstackFirst } from './unstack';

/**
 * The recurrence as the papers write it, one step at a time with plain tfjs ops, differentiated
 * by tfjs's own autodiff: the definition the other engines are tested against, and the one that
 * keeps every gate (tracing). Supports every spec.
 */
export const referenceEngine: RecurrenceEngine = {
  name: 'reference',
  unsupported: () => undefined,
  run(spec: RecurrenceSpec, { x, weights, initial, mask }: RecurrenceInputs) {
    const { steps, batch } = spec;
    const bias = splitBiases(spec.kind, weights);
    let projected = tf.matMul(x, weights.weightIh, false, true) as Tensor2D; // [T*B, G*H]
    if (bias.input) projected = tf.add(projected, bias.input);
    const xGates = unstackFirst<Tensor2D>(tf.reshape(projected, [steps, batch, -1])); // T × [B, G*H]
    const masks = mask ? unstackFirst<Tensor2D>(mask) : undefined; // T × [B, 1]
    const holds = mask ? unstackFirst<Tensor2D>(tf.sub(1, mask)) : undefined; // 1 - mask
    const step = stepOfKind(spec, weights);
    const outputs: Tensor2D[] = [];
    const trace: Record<string, Tensor2D[]> = {};
    let state: CellState = initial;
    for (let t = 0; t < steps; t++) {
      let hGates = tf.matMul(state.h, weights.weightHh, false, true) as Tensor2D; // [B, G*H]
      if (bias.recurrent) hGates = tf.add(hGates, bias.recurrent) as Tensor2D;
      const { state: stepped, gates } = step(xGates[t]!, hGates, state);
      const m = masks?.[t];
      const hold = holds?.[t];
      // Past a sequence's end its state is carried unchanged and its output is zero.
      const zeroPast = (value: Tensor2D) => (m ? (tf.mul(value, m) as Tensor2D) : value);
      const keep = (next: Tensor2D, old: Tensor2D) =>
        hold ? (tf.add(zeroPast(next), tf.mul(old, hold)) as Tensor2D) : next;
      outputs.push(zeroPast(stepped.h));
      if (spec.tracing) {
        const shown: Record<string, Tensor2D> = { ...gates, hidden: stepped.h };
        if (stepped.c) shown.cellState = stepped.c;
        for (const [name, value] of Object.entries(shown)) {
          const list = trace[name] ?? [];
          list.push(zeroPast(value));
          trace[name] = list;
        }
      }
      state = { h: keep(stepped.h, state.h), c: stepped.c && keep(stepped.c, state.c!) };
    }
    const run = { output: tf.stack(outputs) as Tensor3D, state };
    if (!spec.tracing) return run;
    const stacked = Object.entries(trace).map(([name, list]) => [name, tf.stack(list) as Tensor3D]);
    return { ...run, trace: Object.fromEntries(stacked) };
  },
};
