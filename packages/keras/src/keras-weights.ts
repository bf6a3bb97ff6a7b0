/**
 * The exact correspondence between Keras weights and gated's (PyTorch's) parameters.
 *
 *   Keras                                   gated / PyTorch
 *   kernel            [in, G·H]             weight_ih_l0      [G·H, in]   transposed
 *   recurrent_kernel  [H, G·H]              weight_hh_l0      [G·H, H]    transposed
 *   bias (LSTM, RNN)  [G·H]                 bias_ih_l0 = bias, bias_hh_l0 = 0
 *   bias (GRU)        [2, G·H]              bias_ih_l0 = bias[0] (input), bias_hh_l0 = bias[1] (recurrent)
 *   Dense kernel      [in, out], bias [out] Linear weight [out, in], bias [out]
 *   Embedding embeddings [V, D]             Embedding weight [V, D]
 *
 * Gate blocks: the LSTM's i, f, c, o is PyTorch's i, f, g, o; the GRU's z, r, h becomes r, z, n.
 * A Keras GRU with reset_after=True computes h̃ = tanh(W_h x + b_h + r ⊙ (U_h h + b_rh)) and
 * h' = z ⊙ h + (1 − z) ⊙ h̃, PyTorch's GRU term for term (Cho et al. 2014, in cuDNN's form).
 */

import { formatShape } from '@gated/cells';
import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { KerasDirection, KerasRole } from './keras-names';

export type RecurrentKind = 'lstm' | 'gru' | 'rnn';

/** The grouped weights of one layer: direction → role → the given name and tensor. */
export type KerasWeightGroups = Map<
  KerasDirection,
  Map<KerasRole, { name: string; value: Tensor }>
>;

const GATES: Record<RecurrentKind, number> = { lstm: 4, gru: 3, rnn: 1 };
/** Where each of gated's gate blocks comes from in Keras's order. */
const BLOCK_ORDER: Record<RecurrentKind, number[]> = {
  lstm: [0, 1, 2, 3],
  gru: [1, 0, 2],
  rnn: [0],
};

/** What a layer's Keras weights must be, and what the gated layer receiving them has. */
export type LayerPlan =
  | {
      kind: RecurrentKind;
      inputSize: number;
      units: number;
      /** The Keras layer has a bias (`use_bias`). */
      kerasBias: boolean;
      /** No config gave `use_bias`: `kerasBias` was taken from the target. */
      biasAssumed: boolean;
      /** The gated layer has `bias_ih`/`bias_hh` (zeros are loaded where Keras has none). */
      targetBias: boolean;
      directions: KerasDirection[];
    }
  | {
      kind: 'dense';
      inputSize: number;
      units: number;
      kerasBias: boolean;
      biasAssumed: boolean;
      targetBias: boolean;
    }
  | { kind: 'embedding'; inputDim: number; outputDim: number };

/** Keras's shape of each weight the plan needs, by direction and role. */
function expectedShapes(plan: LayerPlan): Map<KerasDirection, Map<KerasRole, number[]>> {
  if (plan.kind === 'embedding') {
    return new Map([['single', new Map([['embeddings', [plan.inputDim, plan.outputDim]]])]]);
  }
  if (plan.kind === 'dense') {
    const roles = new Map<KerasRole, number[]>([['kernel', [plan.inputSize, plan.units]]]);
    if (plan.kerasBias) roles.set('bias', [plan.units]);
    return new Map([['single', roles]]);
  }
  const width = GATES[plan.kind] * plan.units;
  const shapes = new Map<KerasDirection, Map<KerasRole, number[]>>();
  for (const direction of plan.directions) {
    const roles = new Map<KerasRole, number[]>([
      ['kernel', [plan.inputSize, width]],
      ['recurrent_kernel', [plan.units, width]],
    ]);
    if (plan.kerasBias) roles.set('bias', plan.kind === 'gru' ? [2, width] : [width]);
    shapes.set(direction, roles);
  }
  return shapes;
}

/**
 * Records, as problems, every missing weight, unexpected weight, wrong value, shape and dtype of
 * `groups` against `plan`. `where` names the layer.
 */
export function checkKerasWeights(
  plan: LayerPlan,
  groups: KerasWeightGroups,
  where: string,
  problems: string[],
): void {
  const expected = expectedShapes(plan);
  for (const [direction, roles] of expected) {
    for (const [role, shape] of roles) {
      const given = groups.get(direction)?.get(role);
      const label = direction === 'single' ? role : `${direction} ${role}`;
      if (given === undefined) {
        problems.push(`${where}: missing weight: ${label} ${formatShape(shape)}`);
        continue;
      }
      const problem = tensorProblem(given.value, shape);
      if (problem !== undefined) {
        const hint =
          plan.kind === 'gru' && role === 'bias' && isShape(given.value, [shape[1]!])
            ? ` — [${shape[1]}] is a reset_after=False GRU's bias; gated runs reset_after=True GRUs, with input and recurrent biases [2, ${shape[1]}]`
            : '';
        problems.push(`${where}: weight '${given.name}' (${label}) ${problem}${hint}`);
      }
    }
  }
  for (const [direction, roles] of groups) {
    for (const [role, { name }] of roles) {
      if (expected.get(direction)?.has(role)) continue;
      problems.push(
        `${where}: unexpected weight '${name}' (${whyUnexpected(plan, direction, role)})`,
      );
    }
  }
}

function whyUnexpected(plan: LayerPlan, direction: KerasDirection, role: KerasRole): string {
  if (plan.kind !== 'embedding' && role === 'bias' && !plan.kerasBias) {
    return plan.biasAssumed
      ? 'the target has bias: false; a Keras layer with use_bias=True needs a target with biases'
      : 'the layer has use_bias=False';
  }
  if (plan.kind !== 'dense' && plan.kind !== 'embedding') {
    if (direction !== 'single' && !plan.directions.includes(direction)) {
      return 'a Bidirectional half, and the target is not bidirectional';
    }
    if (direction === 'single' && !plan.directions.includes('single')) {
      return 'a Bidirectional layer names its weights forward_…/backward_…';
    }
  }
  const kind = {
    lstm: 'an LSTM',
    gru: 'a GRU',
    rnn: 'a SimpleRNN',
    dense: 'a Dense',
    embedding: 'an Embedding',
  }[plan.kind];
  return `${kind} has no ${direction === 'single' ? '' : `${direction} `}${role}`;
}

function isShape(value: Tensor, shape: number[]): boolean {
  return tf.util.arraysEqual(value.shape, shape);
}

function tensorProblem(value: unknown, shape: number[]): string | undefined {
  if (!(value instanceof tf.Tensor)) return 'must be a tf.Tensor';
  if (value.isDisposed) return 'is a disposed tensor';
  if (!isShape(value, shape)) {
    return `has shape ${formatShape(value.shape)}, expected ${formatShape(shape)}`;
  }
  if (value.dtype !== 'float32') return `has dtype ${value.dtype}, expected float32`;
  return undefined;
}

/**
 * gated's state dict for weights that passed `checkKerasWeights`: new tensors, the caller's to
 * dispose. Parameter names are the layer's own (`weight_ih_l0`, `weight`, …).
 */
export function toGatedStateDict(
  plan: LayerPlan,
  groups: KerasWeightGroups,
): Record<string, Tensor> {
  const get = (direction: KerasDirection, role: KerasRole) =>
    groups.get(direction)!.get(role)!.value;
  return tf.tidy(() => {
    if (plan.kind === 'embedding') return { weight: tf.clone(get('single', 'embeddings')) };
    const dict: Record<string, Tensor> = {};
    if (plan.kind === 'dense') {
      dict.weight = tf.transpose(get('single', 'kernel')); // [out, in]
      if (plan.targetBias) {
        dict.bias = plan.kerasBias ? tf.clone(get('single', 'bias')) : tf.zeros([plan.units]);
      }
      return dict;
    }
    const rows = GATES[plan.kind] * plan.units;
    const reorder = (t: Tensor) => reorderGateBlocks(t, plan.kind as RecurrentKind);
    for (const direction of plan.directions) {
      const suffix = direction === 'backward' ? '_l0_reverse' : '_l0';
      dict[`weight_ih${suffix}`] = reorder(tf.transpose(get(direction, 'kernel'))); // [G·H, in]
      dict[`weight_hh${suffix}`] = reorder(tf.transpose(get(direction, 'recurrent_kernel'))); // [G·H, H]
      if (!plan.targetBias) continue;
      if (!plan.kerasBias) {
        dict[`bias_ih${suffix}`] = tf.zeros([rows]);
        dict[`bias_hh${suffix}`] = tf.zeros([rows]);
      } else if (plan.kind === 'gru') {
        const [input, recurrent] = tf.unstack(get(direction, 'bias')); // [2, 3H] → 2 × [3H]
        dict[`bias_ih${suffix}`] = reorder(input!);
        dict[`bias_hh${suffix}`] = reorder(recurrent!);
      } else {
        // One Keras bias is the sum PyTorch splits in two; all of it goes to b_ih.
        dict[`bias_ih${suffix}`] = reorder(get(direction, 'bias'));
        dict[`bias_hh${suffix}`] = tf.zeros([rows]);
      }
    }
    return dict;
  });
}

/** Reorders the gate blocks of `t` (`[G·H]` or `[G·H, n]`) from Keras's order to gated's. */
function reorderGateBlocks(t: Tensor, kind: RecurrentKind): Tensor {
  const order = BLOCK_ORDER[kind];
  if (order.every((from, to) => from === to)) return tf.clone(t); // never hand back the caller's tensor
  const blocks = tf.split(t, order.length, 0);
  return tf.concat(
    order.map((from) => blocks[from]!),
    0,
  );
}
