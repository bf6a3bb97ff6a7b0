import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { functionalChain, type LayerJson } from './functional-chain';
import { readKerasWeightName } from './keras-names';
import type { KerasConfig } from './keras-options';
import { buildLayer, type Flow, KerasSequential, type LayerRun } from './keras-sequential';
import { kerasStateDict } from './load-keras-weights';
import {
  decodeArtifactWeights,
  type KerasModelArtifacts,
  type ReadShard,
  readModelJson,
} from './model-json';

/**
 * Loads a TF.js layers model (model.json and its shards) into gated's layers: a Keras
 * `Sequential` model (or a functional model that is one chain of layers) of Embedding, LSTM, GRU (reset_after=True), SimpleRNN, Bidirectional, Dense and
 * Dropout layers. See `readModelJson` for `readShard`.
 *
 *   const model = await loadKerasModel(json, (path) => readFile(join(dir, path)));
 *   model.forward(x); // x [B, T, F] (int32 ids [B, T] after an Embedding), as Keras's predict
 *
 * @throws naming every unsupported layer or option and every missing, unexpected or misshapen
 *   weight at once; nothing is kept from a refused model.
 */
export async function loadKerasModel(
  modelJson: unknown,
  readShard: ReadShard,
): Promise<KerasSequential> {
  return kerasModelFromArtifacts(await readModelJson(modelJson, readShard));
}

/**
 * `loadKerasModel` from artifacts in memory: what `model.save(tf.io.withSaveHandler(…))` passes,
 * or what a tfjs `IOHandler` loads (`await tf.io.http(url).load()`).
 */
export function kerasModelFromArtifacts(artifacts: KerasModelArtifacts): KerasSequential {
  const where = 'loadKerasModel';
  const problems: string[] = [];
  const layers = modelLayers(artifacts?.modelTopology, where);
  const weights = decodeArtifactWeights(artifacts, where);
  const byLayer = weightsByLayer(weights, layers, problems);
  const runs: LayerRun[] = [];
  const dicts: Array<Record<string, Tensor>> = [];
  let flow: Flow = { sequence: true, ids: false };
  let inputFeatures: number | undefined;
  try {
    for (const [index, { className, config }] of layers.entries()) {
      const own = byLayer[index]!;
      const layerName = typeof config.name === 'string' ? config.name : undefined;
      const kernel = Object.entries(own).find(([n]) => {
        const read = readKerasWeightName(n, layerName);
        return read?.role === 'kernel' && read.direction !== 'backward';
      });
      const built = buildLayer(className, config, flow, kernel?.[1].shape[0], problems);
      if (built === undefined) continue;
      const { module, name } = built.run.layer;
      if (module === undefined) {
        for (const n of Object.keys(own))
          problems.push(`${className} '${name}': unexpected weight '${n}'`);
      } else {
        if (runs.every((r) => r.layer.module === undefined)) {
          flow = { ...flow, ids: className === 'Embedding' };
          inputFeatures = className === 'Embedding' ? undefined : kernel?.[1].shape[0];
        }
        const at = `${className} '${name}'`;
        const dict = kerasStateDict(module, own, config, at, problems, layerName);
        if (dict) dicts.push(dict);
      }
      runs.push(built.run);
      flow = { ...built.flow, ids: flow.ids };
    }
    if (runs.every((r) => r.layer.module === undefined) && problems.length === 0) {
      problems.push('the model has no layer with weights');
    }
    if (problems.length > 0) {
      // The layer builder and the weight loader both read a layer's options: one line each.
      const lines = [...new Set(problems)];
      throw new Error(`${where}: refused, nothing was loaded.\n  ${lines.join('\n  ')}`);
    }
    const model = new KerasSequential(runs, inputFeatures, flow.ids);
    // Cannot throw: every dict was checked against its layer above.
    const loaded = runs.filter((r) => r.layer.module !== undefined);
    for (const [i, run] of loaded.entries()) run.layer.module!.loadStateDict(dicts[i]!);
    return model;
  } catch (error) {
    for (const run of runs) run.layer.module?.dispose();
    throw error;
  } finally {
    for (const dict of dicts) tf.dispose(Object.values(dict));
    tf.dispose(Object.values(weights));
  }
}

/** The layers of a Sequential model's (or a functional chain's) topology, in order. */
function modelLayers(topology: unknown, where: string): LayerJson[] {
  // tensorflowjs_converter keeps Keras's `{ keras_version, backend, model_config }` wrapper.
  const wrapped = topology as { model_config?: unknown } | null | undefined;
  const model = (wrapped?.model_config ?? topology) as {
    class_name?: unknown;
    config?: unknown;
  } | null;
  if (model === null || typeof model !== 'object') {
    throw new Error(
      `${where}: modelTopology must be a Keras model config, got ${model === null ? 'null' : typeof model}`,
    );
  }
  if (model.class_name === 'Model' || model.class_name === 'Functional') {
    return functionalChain(model.config, where);
  }
  if (model.class_name !== 'Sequential') {
    throw new Error(
      `${where}: only Sequential models and functional chains load whole, this is a ${String(model.class_name)} model; load each layer's weights with loadKerasWeights into a gated layer`,
    );
  }
  // Keras before 2.2.3 wrote a Sequential's config as the bare list of layers.
  const config = model.config as { layers?: unknown } | unknown[] | undefined;
  const list = Array.isArray(config) ? config : config?.layers;
  if (!Array.isArray(list)) throw new Error(`${where}: the Sequential config must list its layers`);
  return list.map((layer, index) => {
    const { class_name, config: layerConfig } = (layer ?? {}) as {
      class_name?: unknown;
      config?: unknown;
    };
    if (typeof class_name !== 'string' || typeof layerConfig !== 'object' || layerConfig === null) {
      throw new Error(
        `${where}: layer ${index} must be { class_name, config }, got ${JSON.stringify(layer)}`,
      );
    }
    return { className: class_name, config: layerConfig as KerasConfig };
  });
}

/**
 * Each layer's weights: a weight belongs to the layer named by the first segment of its name
 * that is a layer's name (`lstm_1/kernel`, `bidirectional/forward_lstm/lstm_cell/bias`).
 */
function weightsByLayer(
  weights: Record<string, Tensor>,
  layers: LayerJson[],
  problems: string[],
): Array<Record<string, Tensor>> {
  const indexOf = new Map(layers.map(({ config }, i) => [config.name, i]));
  const byLayer = layers.map(() => ({}) as Record<string, Tensor>);
  for (const [name, value] of Object.entries(weights)) {
    const owner = name.split('/').find((segment) => indexOf.has(segment));
    if (owner === undefined)
      problems.push(`unexpected weight '${name}': no layer of the model has that name`);
    else byLayer[indexOf.get(owner)!]![name] = value;
  }
  return byLayer;
}
