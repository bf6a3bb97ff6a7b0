import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { formatShape } from './assert-shape';

/** What `loadStateDict` did not match, as PyTorch's `load_state_dict` reports it. */
export interface LoadStateDictResult {
  /** Parameters of the module that the dict did not provide (only possible with `strict: false`). */
  missingKeys: string[];
  /** Keys of the dict that name no parameter (only possible with `strict: false`). */
  unexpectedKeys: string[];
}

export interface LoadStateDictOptions {
  /**
   * Refuse dicts with missing or unexpected keys. Default `true`, as in PyTorch: a checkpoint
   * that silently half-loads is worse than one that fails loudly. Shape mismatches are always
   * refused.
   */
  strict?: boolean;
}

/**
 * The base of every model: owns named `tf.Variable` parameters and child modules, and gives
 * them PyTorch's dotted names (`encoder.rnn.weight_ih_l0`), so that a PyTorch `state_dict`
 * maps onto a model key for key.
 */
export abstract class Module {
  /** Training mode turns dropout on. Modules start in training mode, as in PyTorch. */
  training = true;
  private readonly ownParameters = new Map<string, Variable>();
  private readonly children = new Map<string, Module>();

  /** Adopts `initial` as a trainable variable called `name`; `initial` is disposed. */
  protected registerParameter(name: string, initial: Tensor): Variable {
    if (this.ownParameters.has(name) || this.children.has(name)) {
      throw new Error(`${this.constructor.name}: parameter '${name}' is already registered`);
    }
    const variable = tf.variable(initial, true);
    initial.dispose();
    this.ownParameters.set(name, variable);
    return variable;
  }

  /** Makes `module`'s parameters part of this one's, under `name.`. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    if (this.ownParameters.has(name) || this.children.has(name)) {
      throw new Error(`${this.constructor.name}: submodule '${name}' is already registered`);
    }
    this.children.set(name, module);
    return module;
  }

  /** `[name, variable]` pairs in registration order, children's names prefixed with `child.`. */
  namedParameters(prefix = ''): Array<[string, Variable]> {
    const named: Array<[string, Variable]> = [];
    for (const [name, variable] of this.ownParameters) named.push([prefix + name, variable]);
    for (const [name, child] of this.children) {
      named.push(...child.namedParameters(`${prefix}${name}.`));
    }
    return named;
  }

  parameters(): Variable[] {
    return this.namedParameters().map(([, variable]) => variable);
  }

  /** Number of scalar parameters, as `sum(p.numel() for p in m.parameters())` in PyTorch. */
  numParameters(): number {
    return this.parameters().reduce((total, p) => total + p.size, 0);
  }

  /**
   * A copy of every parameter under its PyTorch name. The tensors are the caller's to dispose
   * (they share memory with the variables until either changes, so copying is cheap).
   */
  stateDict(): Record<string, Tensor> {
    const dict: Record<string, Tensor> = {};
    for (const [name, variable] of this.namedParameters()) dict[name] = tf.clone(variable);
    return dict;
  }

  /**
   * Copies `dict`'s tensors into the parameters of the same names. Everything is checked before
   * anything is assigned: a refused dict leaves the module as it was. The dict's tensors stay
   * the caller's.
   *
   * @throws listing every missing key, unexpected key and wrong shape at once.
   */
  loadStateDict(
    dict: Record<string, Tensor>,
    options: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    const strict = options.strict ?? true;
    const parameters = new Map(this.namedParameters());
    const missingKeys = [...parameters.keys()].filter((name) => !(name in dict));
    const unexpectedKeys = Object.keys(dict).filter((name) => !parameters.has(name));
    const problems: string[] = [];
    if (strict && missingKeys.length > 0) {
      problems.push(`missing keys: ${missingKeys.map((k) => `'${k}'`).join(', ')}`);
    }
    if (strict && unexpectedKeys.length > 0) {
      problems.push(`unexpected keys: ${unexpectedKeys.map((k) => `'${k}'`).join(', ')}`);
    }
    for (const [name, variable] of parameters) {
      const given = dict[name];
      if (given === undefined) continue;
      if (!tf.util.arraysEqual(given.shape, variable.shape)) {
        problems.push(
          `'${name}' has shape ${formatShape(given.shape)}, the module expects ${formatShape(variable.shape)}`,
        );
      } else if (given.dtype !== 'float32') {
        problems.push(`'${name}' has dtype ${given.dtype}, the module expects float32`);
      }
    }
    if (problems.length > 0) {
      throw new Error(
        `${this.constructor.name}.loadStateDict: refused, nothing was loaded.\n  ${problems.join('\n  ')}`,
      );
    }
    for (const [name, variable] of parameters) {
      const given = dict[name];
      if (given !== undefined) variable.assign(given);
    }
    return { missingKeys, unexpectedKeys };
  }

  /** Sets training mode (dropout on) here and in every child. Returns `this`. */
  train(mode = true): this {
    this.training = mode;
    for (const child of this.children.values()) child.train(mode);
    return this;
  }

  /** Evaluation mode: dropout off. Returns `this`. */
  eval(): this {
    return this.train(false);
  }

  /** Frees every parameter's memory; the module cannot be used afterwards. */
  dispose(): void {
    for (const variable of this.ownParameters.values()) variable.dispose();
    for (const child of this.children.values()) child.dispose();
    this.ownParameters.clear();
    this.children.clear();
  }
}
