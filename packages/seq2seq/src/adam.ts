import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { nonFiniteNames } from './finite';
import { checkNumber, checkOptionKeys } from './option-checks';

/** Adam's hyper-parameters (the learning rate is given per update, to `apply`). */
export interface AdamOptions {
  /** Default 0.9 (Kingma & Ba 2015). */
  beta1?: number;
  /** Default 0.999 (Kingma & Ba 2015): v averages g² over ~1,000 steps. */
  beta2?: number;
  /** Added to √v̂; default 1e-8, as in PyTorch. */
  epsilon?: number;
  /**
   * Decoupled weight decay λ (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization"):
   * each update first scales every parameter by 1 − lr·λ, apart from the gradient, as
   * `torch.optim.AdamW`. ≥ 0. Default 0 for `Adam` (plain Adam), 0.01 for `AdamW` (PyTorch's).
   */
  weightDecay?: number;
}

/** Refuses Adam settings outside the ranges where its update is defined and bounded. */
export function checkAdamOptions(where: string, name: string, options: unknown): void {
  checkOptionKeys(where, name, options, ['beta1', 'beta2', 'epsilon', 'weightDecay']);
  const prefix = name === 'options' ? '' : `${name}.`;
  for (const beta of ['beta1', 'beta2'] as const)
    if (options[beta] !== undefined)
      checkNumber(where, `${prefix}${beta}`, options[beta], (v) => v >= 0 && v < 1, 'in [0, 1)');
  if (options.epsilon !== undefined)
    checkNumber(where, `${prefix}epsilon`, options.epsilon, (v) => v > 0, '> 0');
  if (options.weightDecay !== undefined)
    checkNumber(where, `${prefix}weightDecay`, options.weightDecay, (v) => v >= 0, '≥ 0');
}

/**
 * An update refused because it would have made parameters or moments non-finite; nothing was
 * changed. `parameters` names them.
 */
export class NonFiniteUpdateError extends Error {
  constructor(readonly parameters: string[]) {
    super(
      `Adam.apply: the update would make ${parameters.join(', ')} non-finite; nothing was changed`,
    );
  }
}

/**
 * Adam (Kingma & Ba 2015), with PyTorch's update order, and its state (moments and step count)
 * keyed by parameter name so that it can be saved and restored exactly: a resumed run continues
 * as if it had never stopped. With `weightDecay` > 0 it is AdamW (see `AdamW`).
 */
export class Adam {
  /** Decay of the first moment's running average (β1). */
  readonly beta1: number;
  /** Decay of the second moment's running average (β2). */
  readonly beta2: number;
  /** Added to √v̂ in the denominator (ε). */
  readonly epsilon: number;
  /** Decoupled weight decay λ; 0 is plain Adam. */
  readonly weightDecay: number;
  /** Updates applied so far. */
  step = 0;
  private readonly moments = new Map<string, { m: Variable; v: Variable }>();

  constructor(options: AdamOptions = {}) {
    checkAdamOptions('Adam', 'options', options);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
  }

  /**
   * Applies one update: `grads` by parameter name, `parameters` the variables to change; a
   * parameter without a gradient is left alone (neither decayed nor moved), as in PyTorch. All or
   * nothing: when any new parameter or moment would not be finite (an overflowing `v = g²`, say),
   * nothing is assigned, the step count stays, and `NonFiniteUpdateError` names them.
   */
  apply(
    parameters: ReadonlyArray<[string, Variable]>,
    grads: Record<string, Tensor>,
    learningRate: number,
  ): void {
    checkNumber('Adam.apply', 'learningRate', learningRate, (v) => v >= 0, '≥ 0');
    const step = this.step + 1;
    const correction1 = 1 - this.beta1 ** step;
    const correction2 = 1 - this.beta2 ** step;
    const stepSize = learningRate / correction1;
    // PyTorch's AdamW: θ ← θ·(1 − lr·λ) first, then the Adam step on the decayed θ.
    const keep = 1 - learningRate * this.weightDecay;
    const updates: Array<{ name: string; parameter: Variable; values: Tensor[] }> = [];
    try {
      for (const [name, parameter] of parameters) {
        const grad = grads[name];
        if (!grad) continue;
        const state = this.moments.get(name);
        const values = tf.tidy(() => {
          const m0 = state?.m ?? tf.zerosLike(parameter);
          const v0 = state?.v ?? tf.zerosLike(parameter);
          const m = tf.add(tf.mul(m0, this.beta1), tf.mul(grad, 1 - this.beta1));
          const v = tf.add(tf.mul(v0, this.beta2), tf.mul(tf.square(grad), 1 - this.beta2));
          const denominator = tf.add(tf.div(tf.sqrt(v), Math.sqrt(correction2)), this.epsilon);
          const decayed = this.weightDecay > 0 ? tf.mul(parameter, keep) : parameter;
          return [tf.sub(decayed, tf.mul(tf.div(m, denominator), stepSize)), m, v];
        });
        updates.push({ name, parameter, values });
      }
      const broken = nonFiniteNames(updates.map(({ name, values }) => [name, values] as const));
      if (broken.length > 0) throw new NonFiniteUpdateError(broken);
      for (const { name, parameter, values } of updates) {
        const [next, m, v] = values as [Tensor, Tensor, Tensor];
        parameter.assign(next);
        const state = this.moments.get(name);
        if (state) {
          state.m.assign(m);
          state.v.assign(v);
        } else {
          this.moments.set(name, { m: tf.variable(m, false), v: tf.variable(v, false) });
        }
      }
      this.step = step;
    } finally {
      // Variables share the data they were assigned; these handles can go.
      tf.dispose(updates.flatMap((u) => u.values));
    }
  }

  /** The moments as `m.<name>` / `v.<name>` tensors (copies, the caller's to dispose). */
  stateDict(): Record<string, Tensor> {
    const dict: Record<string, Tensor> = {};
    for (const [name, { m, v }] of this.moments) {
      dict[`m.${name}`] = tf.clone(m);
      dict[`v.${name}`] = tf.clone(v);
    }
    return dict;
  }

  /** Restores moments saved by `stateDict` and the step count. */
  loadStateDict(dict: Record<string, Tensor>, step: number): void {
    this.dispose();
    for (const [key, tensor] of Object.entries(dict)) {
      const match = /^([mv])\.(.+)$/.exec(key);
      if (!match)
        throw new Error(
          `Adam.loadStateDict: unexpected key '${key}' (expected m.<name> or v.<name>)`,
        );
      const name = match[2]!;
      const other = dict[`${match[1] === 'm' ? 'v' : 'm'}.${name}`];
      if (!other)
        throw new Error(
          `Adam.loadStateDict: '${key}' has no matching ${match[1] === 'm' ? 'v' : 'm'} moment`,
        );
      if (!this.moments.has(name)) {
        const m = match[1] === 'm' ? tensor : other;
        const v = match[1] === 'm' ? other : tensor;
        this.moments.set(name, { m: tf.variable(m, false), v: tf.variable(v, false) });
      }
    }
    this.step = step;
  }

  /** Frees the moments (m and v of every parameter); call it when training is done. */
  dispose(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
  }
}

/**
 * AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay, `torch.optim.AdamW`'s
 * update and defaults (weightDecay 0.01, β 0.9/0.999, ε 1e-8). Every parameter given to `apply`
 * is decayed, biases and embeddings included, as PyTorch does for a single parameter group.
 */
export class AdamW extends Adam {
  constructor(options: AdamOptions = {}) {
    super({ ...options, weightDecay: options.weightDecay ?? 0.01 });
  }
}
