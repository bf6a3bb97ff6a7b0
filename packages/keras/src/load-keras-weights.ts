import { Embedding, GRU, Linear, LSTM, RNN } from '@gated/cells';
import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { groupKerasWeights } from './keras-names';
import {
  type KerasConfig,
  type RecurrentClass,
  readDenseConfig,
  readEmbeddingConfig,
  readRecurrentConfig,
} from './keras-options';
import {
  checkKerasWeights,
  type LayerPlan,
  type RecurrentKind,
  toGatedStateDict,
} from './keras-weights';

/** The gated layers a Keras layer's weights load into. */
export type KerasTarget = LSTM | GRU | RNN | Linear | Embedding;

/** Options of `loadKerasWeights`. */
export interface LoadKerasWeightsOptions {
  /**
   * The Keras layer's config (`layer.get_config()` in Python, or the layer's `config` in
   * model.json), for a bidirectional target the `Bidirectional` wrapper's or the wrapped layer's.
   * Its options are checked: one gated cannot compute (`recurrent_activation='hard_sigmoid'`,
   * `reset_after=False`, …) is refused by name. Default: Keras's defaults (tanh, sigmoid,
   * `reset_after=True`), with `use_bias` as the target has it.
   */
  config?: KerasConfig;
}

/**
 * Loads a Keras layer's weights, a name → tensor map with Keras's names and layouts, into a
 * gated layer: `LSTM`, `GRU` (Keras `reset_after=True`), `RNN` (Keras `SimpleRNN`), each
 * optionally `bidirectional` (Keras `Bidirectional`), `Linear` (`Dense`) or `Embedding`.
 *
 *   LSTM / GRU / SimpleRNN  kernel [in, G·H], recurrent_kernel [H, G·H], bias [G·H] (GRU [2, 3H])
 *   Bidirectional           the same under forward_…/ and backward_…/ (e.g. `bidirectional/forward_lstm/kernel`)
 *   Dense                   kernel [in, out], bias [out];  Embedding  embeddings [V, D]
 *
 * Only the last name segment (the role) and a `forward_`/`backward_` segment are read, so
 * `lstm/kernel`, `lstm/lstm_cell/kernel:0` and `kernel` all name the kernel. The target's
 * sizes must be the Keras layer's (`inputSize` = the kernel's rows, `hiddenSize` = `units`),
 * with `numLayers` 1; run it `batchFirst` to take Keras's `[batch, time, features]` inputs.
 * Everything is checked before anything is assigned: a refused load leaves the target unchanged.
 * The map's tensors stay the caller's.
 *
 * @throws naming every missing, unexpected or misshapen weight and every unsupported option.
 */
export function loadKerasWeights(
  target: KerasTarget,
  weights: Record<string, Tensor>,
  options: LoadKerasWeightsOptions = {},
): void {
  const where = `loadKerasWeights(${targetName(target)})`;
  const problems: string[] = [];
  const dict = kerasStateDict(target, weights, options.config, where, problems);
  if (dict === undefined) {
    throw new Error(`${where}: refused, nothing was loaded.\n  ${problems.join('\n  ')}`);
  }
  try {
    target.loadStateDict(dict);
  } finally {
    tf.dispose(Object.values(dict));
  }
}

/**
 * Checks `weights` (and `config`) against `target` and converts them to its state dict, or
 * records every problem and returns undefined. Assigns nothing. `layerName`: the Keras layer's
 * name, when the weights' names start with it (see `readKerasWeightName`).
 */
export function kerasStateDict(
  target: KerasTarget,
  weights: Record<string, Tensor>,
  config: KerasConfig | undefined,
  where: string,
  problems: string[],
  layerName?: string,
): Record<string, Tensor> | undefined {
  if (weights === null || typeof weights !== 'object' || Array.isArray(weights)) {
    problems.push(`weights must be an object of tensors by Keras name, got ${typeof weights}`);
    return undefined;
  }
  const before = problems.length;
  const groups = groupKerasWeights(weights, problems, layerName);
  const plan = planFor(target, config ?? {}, config !== undefined, where, problems);
  if (plan !== undefined) checkKerasWeights(plan, groups, where, problems);
  if (plan === undefined || problems.length > before) return undefined;
  return toGatedStateDict(plan, groups);
}

function targetName(target: unknown): string {
  const name = (target as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === 'string' ? name : typeof target;
}

/** What the Keras layer and the target must be, from the target and the config's options. */
function planFor(
  target: KerasTarget,
  config: KerasConfig,
  hasConfig: boolean,
  where: string,
  problems: string[],
): LayerPlan | undefined {
  const sizeProblem = (option: string, keras: number | undefined, ours: number, field: string) => {
    if (keras !== undefined && keras !== ours) {
      problems.push(
        `${where}: the Keras layer has ${option}=${keras}, the target has ${field} ${ours}`,
      );
    }
  };
  const biasPlan = (useBias: boolean, targetBias: boolean) => {
    const kerasBias = hasConfig ? useBias : targetBias;
    if (kerasBias && !targetBias) {
      problems.push(
        `${where}: the Keras layer has a bias (use_bias=True), the target has bias: false`,
      );
    }
    return { kerasBias, biasAssumed: !hasConfig, targetBias };
  };
  if (target instanceof Embedding) {
    const read = readEmbeddingConfig(config, where, problems);
    sizeProblem('input_dim', read.inputDim, target.numEmbeddings, 'numEmbeddings');
    sizeProblem('output_dim', read.outputDim, target.embeddingDim, 'embeddingDim');
    return { kind: 'embedding', inputDim: target.numEmbeddings, outputDim: target.embeddingDim };
  }
  if (target instanceof Linear) {
    const read = readDenseConfig(config, where, problems);
    sizeProblem('units', read.units, target.outFeatures, 'outFeatures');
    const bias = biasPlan(read.useBias, target.bias !== undefined);
    return { kind: 'dense', inputSize: target.inFeatures, units: target.outFeatures, ...bias };
  }
  const kind = recurrentKind(target);
  if (kind === undefined) {
    problems.push('the target must be an LSTM, GRU, RNN, Linear or Embedding from @gated/cells');
    return undefined;
  }
  const className: RecurrentClass = kind === 'rnn' ? 'SimpleRNN' : kind === 'lstm' ? 'LSTM' : 'GRU';
  const inner = wrappedLayerConfig(config, target.bidirectional, className, where, problems);
  const read = readRecurrentConfig(className, inner.forward, where, problems);
  if (inner.backward)
    readRecurrentConfig(className, inner.backward, `${where} backward_layer`, problems, true);
  sizeProblem('units', read.units, target.hiddenSize, 'hiddenSize');
  if (target.numLayers !== 1) {
    problems.push(
      `${where}: a Keras layer is one layer; the target has numLayers ${target.numLayers} (load each Keras layer into its own layer)`,
    );
  }
  if (target instanceof LSTM && target.projSize > 0) {
    problems.push(
      `${where}: Keras LSTMs have no projection; the target has projSize ${target.projSize}`,
    );
  }
  if (target instanceof RNN && target.nonlinearity !== read.nonlinearity) {
    problems.push(
      `${where}: the Keras layer has activation='${read.nonlinearity}', the target has nonlinearity '${target.nonlinearity}'`,
    );
  }
  return {
    kind,
    inputSize: target.inputSize,
    units: target.hiddenSize,
    ...biasPlan(read.useBias, target.bias),
    directions: target.bidirectional ? ['forward', 'backward'] : ['single'],
  };
}

function recurrentKind(target: unknown): RecurrentKind | undefined {
  if (target instanceof LSTM) return 'lstm';
  if (target instanceof GRU) return 'gru';
  if (target instanceof RNN) return 'rnn';
  return undefined;
}

/**
 * The recurrent layer's config inside a `Bidirectional` wrapper's (`{ layer, merge_mode,
 * backward_layer? }`), or the config itself when it is a layer's.
 */
function wrappedLayerConfig(
  config: KerasConfig,
  bidirectional: boolean,
  className: RecurrentClass,
  where: string,
  problems: string[],
): { forward: KerasConfig; backward?: KerasConfig } {
  if (config.layer === undefined) return { forward: config };
  if (!bidirectional) {
    problems.push(
      `${where}: the config is a Bidirectional wrapper's, the target is not bidirectional`,
    );
  }
  const mergeMode = config.merge_mode ?? 'concat';
  if (mergeMode !== 'concat') {
    problems.push(
      `${where}: merge_mode=${JSON.stringify(mergeMode)} is not supported (gated's bidirectional layers concatenate, merge_mode='concat')`,
    );
  }
  const layer = (key: string): KerasConfig | undefined => {
    const json = config[key] as { class_name?: unknown; config?: unknown } | undefined | null;
    if (json === undefined || json === null) return undefined;
    if (json.class_name !== className || typeof json.config !== 'object' || json.config === null) {
      problems.push(
        `${where}: the Bidirectional's ${key} must be a ${className}, got ${String(json.class_name)}`,
      );
      return undefined;
    }
    return json.config as KerasConfig;
  };
  return { forward: layer('layer') ?? {}, backward: layer('backward_layer') };
}
