import { ensureGradients } from '@gated/gradients';
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

/** Options of `Module.loadStateDict`. */
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

  constructor() {
    ensureGradients(); // tfjs-core alone has none; ours fill in before the first forward pass
  }

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

  /** Every parameter, in the order of `namedParameters()`. */
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
   * anything is assigned (every value a live tensor of the parameter's shape and dtype, and with
   * `strict`, the keys): a refused dict leaves the module as it was. Non-finite values are loaded
   * as they are, as in PyTorch. The dict's tensors stay the caller's.
   *
   * @throws listing every missing key, unexpected key, wrong value, shape and dtype at once.
   */
  loadStateDict(
    dict: Record<string, Tensor>,
    options: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    const where = `${this.constructor.name}.loadStateDict`;
    if (dict === null || typeof dict !== 'object' || Array.isArray(dict)) {
      throw new Error(`${where}: dict must be an object of tensors by name, got ${kindOf(dict)}`);
    }
    const strict = options.strict ?? true;
    const parameters = new Map(this.namedParameters());
    // Own keys only: `'constructor' in {}` is true.
    const missingKeys = [...parameters.keys()].filter((name) => !Object.hasOwn(dict, name));
    const unexpectedKeys = Object.keys(dict).filter((name) => !parameters.has(name));
    const problems: string[] = [];
    if (strict && missingKeys.length > 0) {
      problems.push(`missing keys: ${missingKeys.map((k) => `'${k}'`).join(', ')}`);
    }
    if (strict && unexpectedKeys.length > 0) {
      problems.push(`unexpected keys: ${unexpectedKeys.map((k) => `'${k}'`).join(', ')}`);
    }
    // Each value is read once, so what is assigned below is exactly what was checked here.
    const assignments: Array<[Variable, Tensor]> = [];
    for (const [name, variable] of parameters) {
      if (!Object.hasOwn(dict, name)) continue;
      const given: unknown = dict[name];
      const problem = valueProblem(given, variable);
      if (problem !== undefined) problems.push(`'${name}' ${problem}`);
      else assignments.push([variable, given as Tensor]);
    }
    if (problems.length > 0) {
      throw new Error(`${where}: refused, nothing was loaded.\n  ${problems.join('\n  ')}`);
    }
    // Cannot throw: every check `assign` makes (live, dtype, shape) has passed above.
    for (const [variable, given] of assignments) variable.assign(given);
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

/** Why `given` cannot be loaded into `variable`, or `undefined` when it can. */
function valueProblem(given: unknown, variable: Variable): string | undefined {
  if (!(given instanceof tf.Tensor)) return `must be a tf.Tensor, got ${kindOf(given)}`;
  // A disposed tensor still has its shape and dtype, but assigning it leaves the variable unreadable.
  if (given.isDisposed) return 'is a disposed tensor';
  if (!tf.util.arraysEqual(given.shape, variable.shape)) {
    return `has shape ${formatShape(given.shape)}, the module expects ${formatShape(variable.shape)}`;
  }
  if (given.dtype !== variable.dtype) {
    return `has dtype ${given.dtype}, the module expects ${variable.dtype}`;
  }
  return undefined;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value !== 'object') return typeof value;
  const name: unknown = value.constructor?.name;
  return typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'an object';
}
