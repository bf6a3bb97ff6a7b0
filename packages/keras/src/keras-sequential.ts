import { Embedding, GRU, Linear, LSTM, Module, RNN } from '@gated/cells';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { DenseActivation, KerasConfig } from './keras-options';
import { readDenseConfig, readEmbeddingConfig, readRecurrentConfig } from './keras-options';
import type { KerasTarget } from './load-keras-weights';

/** One layer of a loaded model: its Keras name and class, and the gated layer that runs it. */
export interface KerasLayer {
  name: string;
  className: string;
  /** Undefined for layers with nothing to run at inference (`InputLayer`, `Dropout`). */
  module?: KerasTarget;
}

/** How a built layer is run: on `[B, T, F]` (or `[B, F]`) to the next layer's input. */
export interface LayerRun {
  layer: KerasLayer;
  run?: (x: Tensor) => Tensor;
}

/** What the next layer receives: features of the last axis, and whether there is a time axis. */
export interface Flow {
  features?: number;
  sequence: boolean;
  /** The model's first layer reads token ids. */
  ids: boolean;
}

/**
 * A Keras `Sequential` model (or a functional one that is a chain) rebuilt from gated's layers
 * (see `loadKerasModel`): Embedding, LSTM, GRU (reset_after=True), SimpleRNN, Bidirectional of
 * those, Dense, Dropout. Built by the loader; its constructor is not for direct use.
 * Parameters are named `<keras layer name>.<gated parameter>` (`lstm_1.weight_ih_l0`).
 */
export class KerasSequential extends Module {
  readonly layers: readonly KerasLayer[];
  /** The input's last-axis features (undefined when the model starts with an Embedding). */
  readonly inputFeatures?: number;
  /** The model starts with an Embedding and reads int32 token ids `[B, T]`. */
  readonly readsIds: boolean;

  /** Built by `loadKerasModel` and `kerasModelFromArtifacts`. @internal */
  constructor(runs: LayerRun[], inputFeatures: number | undefined, readsIds: boolean) {
    super();
    this.layers = runs.map((r) => r.layer);
    this.inputFeatures = inputFeatures;
    this.readsIds = readsIds;
    this.runs = runs;
    for (const { layer } of runs) if (layer.module) this.registerModule(layer.name, layer.module);
    this.eval(); // a loaded model predicts; Keras runs dropout only in fit
  }

  private readonly runs: LayerRun[];

  /**
   * Runs the model as Keras's `model.predict` does.
   * @param x int32 ids `[B, T]` when the model starts with an Embedding, else `[B, T, F]`
   *   (`[B, F]` for a model of Dense layers)
   * @returns the last layer's output: `[B, T, units]` after `return_sequences=True`, else `[B, units]`
   */
  forward(x: Tensor): Tensor {
    const where = 'KerasSequential.forward';
    if (this.readsIds) {
      if (x.rank !== 2 || x.dtype !== 'int32') {
        throw new Error(
          `${where}: x must be int32 token ids [batch, time], got ${x.dtype} [${x.shape.join(', ')}]`,
        );
      }
    } else if (
      x.rank < 2 ||
      (this.inputFeatures !== undefined && x.shape[x.rank - 1] !== this.inputFeatures)
    ) {
      throw new Error(
        `${where}: x must be [batch, time, ${this.inputFeatures ?? 'features'}], got [${x.shape.join(', ')}]`,
      );
    }
    return tf.tidy(() => this.runs.reduce((input, { run }) => (run ? run(input) : input), x));
  }
}

/**
 * Builds the gated layer for one Keras layer config and says how it runs, or records problems.
 * Returns the layer with freshly initialised weights; the caller loads them.
 */
export function buildLayer(
  className: string,
  config: KerasConfig,
  flow: Flow,
  kernelRows: number | undefined,
  problems: string[],
): { run: LayerRun; flow: Flow } | undefined {
  const name = typeof config.name === 'string' ? config.name : `${className.toLowerCase()}`;
  const where = `${className} '${name}'`;
  const layer: KerasLayer = { name, className };
  if (className === 'InputLayer' || className === 'Dropout') {
    return { run: { layer }, flow };
  }
  if (className === 'Embedding') {
    const read = readEmbeddingConfig(config, where, problems);
    if (read.maskZero) {
      problems.push(
        `${where}: mask_zero=True is not supported (gated runs no Keras masks); load the layers one by one with loadKerasWeights and pass the recurrent layer lengths (padding at the end)`,
      );
    }
    if (read.inputDim === undefined || read.outputDim === undefined) {
      problems.push(`${where}: the config must give input_dim and output_dim`);
      return undefined;
    }
    const module = new Embedding({
      numEmbeddings: read.inputDim,
      embeddingDim: read.outputDim,
      seed: 0,
    });
    layer.module = module;
    return {
      run: { layer, run: (x) => module.forward(x.dtype === 'int32' ? x : tf.cast(x, 'int32')) },
      flow: { ...flow, features: read.outputDim, sequence: true },
    };
  }
  const inputSize = flow.features ?? kernelRows;
  if (inputSize === undefined) {
    problems.push(`${where}: its input size is unknown (no kernel weight, no input shape)`);
    return undefined;
  }
  if (className === 'Dense') {
    const read = readDenseConfig(config, where, problems);
    if (read.units === undefined) return unitsMissing(where, problems);
    const module = new Linear({
      inFeatures: inputSize,
      outFeatures: read.units,
      bias: read.useBias,
      seed: 0,
    });
    layer.module = module;
    const activation = ACTIVATIONS[read.activation];
    return {
      run: { layer, run: (x) => activation(module.forward(x)) },
      flow: { ...flow, features: read.units },
    };
  }
  const wrapped = className === 'Bidirectional' ? innerLayer(config, where, problems) : undefined;
  const recurrentClass = wrapped?.className ?? className;
  if (recurrentClass !== 'LSTM' && recurrentClass !== 'GRU' && recurrentClass !== 'SimpleRNN') {
    problems.push(
      `${where}: layer class '${recurrentClass}' is not supported (gated loads InputLayer, Embedding, LSTM, GRU, SimpleRNN, Bidirectional, Dense, Dropout)`,
    );
    return undefined;
  }
  const read = readRecurrentConfig(recurrentClass, wrapped?.config ?? config, where, problems);
  if (read.returnState) {
    problems.push(
      `${where}: return_state=True is not supported in a Sequential model; load the layer with loadKerasWeights and read hN/cN from forward`,
    );
  }
  if (!flow.sequence) {
    problems.push(
      `${where}: needs a [batch, time, features] input; the layer before it has return_sequences=False`,
    );
  }
  if (read.units === undefined) return unitsMissing(where, problems);
  const options = {
    inputSize,
    hiddenSize: read.units,
    bias: read.useBias,
    batchFirst: true, // Keras's layout
    bidirectional: wrapped !== undefined,
    seed: 0,
  };
  const module =
    recurrentClass === 'LSTM'
      ? new LSTM(options)
      : recurrentClass === 'GRU'
        ? new GRU(options)
        : new RNN({ ...options, nonlinearity: read.nonlinearity });
  layer.module = module;
  const directions = options.bidirectional ? 2 : 1;
  const run = (x: Tensor) => {
    const { output, hN } = module.forward(x as Tensor3D); // [B, T, D·H], [D, B, H]
    if (read.returnSequences) return output;
    // Keras's last output is each direction's final state: the backward half's is at t = 0.
    return directions === 1 ? tf.squeeze(hN, [0]) : tf.concat(tf.unstack(hN), 1); // [B, D·H]
  };
  return {
    run: { layer, run },
    flow: { ...flow, features: directions * read.units, sequence: read.returnSequences },
  };
}

function unitsMissing(where: string, problems: string[]): undefined {
  problems.push(`${where}: the config must give units`);
  return undefined;
}

/** The wrapped layer of a `Bidirectional` config (its options are checked by the weight loader too). */
function innerLayer(
  config: KerasConfig,
  where: string,
  problems: string[],
): { className: string; config: KerasConfig } | undefined {
  const layer = config.layer as { class_name?: unknown; config?: unknown } | undefined;
  if (
    typeof layer?.class_name !== 'string' ||
    typeof layer.config !== 'object' ||
    layer.config === null
  ) {
    problems.push(`${where}: the config must give the wrapped layer as { class_name, config }`);
    return undefined;
  }
  return { className: layer.class_name, config: layer.config as KerasConfig };
}

const ACTIVATIONS: Record<DenseActivation, (x: Tensor) => Tensor> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
  softmax: (x) => tf.softmax(x), // over the last axis, as Keras's default
};
