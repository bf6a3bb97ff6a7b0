import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

export interface AdamOptions {
  /** Default 0.9 (Kingma & Ba 2015). */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Added to √v̂; default 1e-8, as in PyTorch. */
  epsilon?: number;
}

/**
 * Adam (Kingma & Ba 2015), with PyTorch's update order, and its state (moments and step count)
 * keyed by parameter name so that it can be saved and restored exactly: a resumed run continues
 * as if it had never stopped.
 */
export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Updates applied so far. */
  step = 0;
  private readonly moments = new Map<string, { m: Variable; v: Variable }>();

  constructor(options: AdamOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
  }

  /** Applies one update: `grads` by parameter name, `parameters` the variables to change. */
  apply(
    parameters: ReadonlyArray<[string, Variable]>,
    grads: Record<string, Tensor>,
    learningRate: number,
  ): void {
    this.step += 1;
    const correction1 = 1 - this.beta1 ** this.step;
    const correction2 = 1 - this.beta2 ** this.step;
    const stepSize = learningRate / correction1;
    tf.tidy(() => {
      for (const [name, parameter] of parameters) {
        const grad = grads[name];
        if (!grad) continue;
        const state = this.momentsOf(name, parameter);
        const m = tf.add(tf.mul(state.m, this.beta1), tf.mul(grad, 1 - this.beta1));
        const v = tf.add(tf.mul(state.v, this.beta2), tf.mul(tf.square(grad), 1 - this.beta2));
        const denominator = tf.add(tf.div(tf.sqrt(v), Math.sqrt(correction2)), this.epsilon);
        parameter.assign(tf.sub(parameter, tf.mul(tf.div(m, denominator), stepSize)));
        state.m.assign(m);
        state.v.assign(v);
      }
    });
  }

  private momentsOf(name: string, parameter: Variable): { m: Variable; v: Variable } {
    let state = this.moments.get(name);
    if (!state) {
      state = {
        m: tf.variable(tf.zerosLike(parameter), false),
        v: tf.variable(tf.zerosLike(parameter), false),
      };
      this.moments.set(name, state);
    }
    return state;
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

  dispose(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
  }
}
