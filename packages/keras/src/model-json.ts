/**
 * Reading a TF.js layers model as `model.save` (tfjs-layers) and `tensorflowjs_converter
 * --output_format tfjs_layers_model` write it: `model.json` holds `modelTopology` (the Keras
 * model config) and `weightsManifest` (groups of shard paths, each weight's name, shape, dtype and
 * optional quantization); the shards hold the weights' bytes in manifest order.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** What `model.save(tf.io.withSaveHandler(...))` hands over, or a model.json with its shards read. */
export interface KerasModelArtifacts {
  /** The Keras model config: `{ class_name: 'Sequential', config }`, or Keras's `{ model_config }` wrapper. */
  modelTopology: unknown;
  /** Each weight's name, shape, dtype and quantization, in the order of `weightData`. */
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** The weights' bytes, one buffer or several in order. */
  weightData: ArrayBuffer | ArrayBuffer[];
}

/** Reads one shard named in model.json (a path relative to model.json). */
export type ReadShard = (path: string) => Promise<ArrayBuffer | ArrayBufferView>;

const BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/**
 * Reads model.json (the parsed object or its text) and every shard it names through `readShard`.
 * In Node: `(path) => readFile(join(dir, path))`; in a browser: `(path) => fetch(new URL(path,
 * base)).then((r) => r.arrayBuffer())`.
 *
 * @throws when model.json is not a layers model, or a shard's size is not what its weights need.
 */
export async function readModelJson(
  modelJson: unknown,
  readShard: ReadShard,
): Promise<KerasModelArtifacts> {
  const where = 'readModelJson';
  const json = typeof modelJson === 'string' ? parseJson(modelJson, where) : modelJson;
  if (json === null || typeof json !== 'object') {
    throw new Error(
      `${where}: model.json must be an object, got ${json === null ? 'null' : typeof json}`,
    );
  }
  const { modelTopology, weightsManifest, format } = json as Record<string, unknown>;
  if (format === 'graph-model') {
    throw new Error(
      `${where}: this model.json is a graph model (tfjs-converter's tfjs_graph_model); gated reads layers models (format 'layers-model', tensorflowjs_converter --output_format tfjs_layers_model)`,
    );
  }
  if (modelTopology === undefined || !Array.isArray(weightsManifest)) {
    throw new Error(`${where}: model.json must have modelTopology and a weightsManifest array`);
  }
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const weightData: ArrayBuffer[] = [];
  for (const [index, group] of weightsManifest.entries()) {
    const { paths, weights } = (group ?? {}) as { paths?: unknown; weights?: unknown };
    if (
      !Array.isArray(paths) ||
      !paths.every((p) => typeof p === 'string') ||
      !Array.isArray(weights)
    ) {
      throw new Error(`${where}: weightsManifest[${index}] must have paths (strings) and weights`);
    }
    const shards = await Promise.all(
      paths.map(async (path: string) => bufferOf(await readShard(path))),
    );
    const bytes = shards.reduce((total, shard) => total + shard.byteLength, 0);
    const needed = manifestBytes(
      weights as tf.io.WeightsManifestEntry[],
      `${where}: weightsManifest[${index}]`,
    );
    if (bytes !== needed) {
      throw new Error(
        `${where}: shards ${paths.map((p) => `'${p}'`).join(', ')} hold ${bytes} bytes, their weights need ${needed}`,
      );
    }
    weightSpecs.push(...(weights as tf.io.WeightsManifestEntry[]));
    weightData.push(...shards);
  }
  return { modelTopology, weightSpecs, weightData };
}

/**
 * The model weights of `artifacts` by name (optimizer weights left out), dequantized to float32.
 * The tensors are the caller's to dispose.
 */
export function decodeArtifactWeights(
  artifacts: KerasModelArtifacts,
  where: string,
): Record<string, Tensor> {
  const { weightSpecs, weightData } = artifacts;
  if (!Array.isArray(weightSpecs) || weightData === undefined) {
    throw new Error(`${where}: the artifacts must have weightSpecs and weightData`);
  }
  const data = tf.io.CompositeArrayBuffer.join(weightData);
  const needed = manifestBytes(weightSpecs, `${where}: weightSpecs`);
  if (data.byteLength !== needed) {
    throw new Error(
      `${where}: weightData holds ${data.byteLength} bytes, the weightSpecs need ${needed}`,
    );
  }
  const decoded = tf.io.decodeWeights(data, weightSpecs);
  const weights: Record<string, Tensor> = {};
  for (const spec of weightSpecs) {
    const tensor = decoded[spec.name]!;
    if (spec.group === 'optimizer') tensor.dispose();
    else weights[spec.name] = tensor;
  }
  return weights;
}

/** Bytes the entries take in a shard, refusing dtypes a layer weight cannot have. */
function manifestBytes(entries: tf.io.WeightsManifestEntry[], where: string): number {
  let total = 0;
  const names = new Set<string>();
  for (const entry of entries) {
    const dtype = entry?.quantization?.dtype ?? entry?.dtype;
    const size = BYTES[dtype as string];
    if (typeof entry?.name !== 'string' || !Array.isArray(entry.shape) || size === undefined) {
      throw new Error(
        `${where}: each weight must have a name, a shape and a dtype of float32, int32, bool (or quantization uint8, uint16, float16), got ${JSON.stringify(entry)}`,
      );
    }
    if (names.has(entry.name)) throw new Error(`${where}: two weights are named '${entry.name}'`);
    names.add(entry.name);
    total += size * entry.shape.reduce((a: number, b: number) => a * b, 1);
  }
  return total;
}

function bufferOf(shard: ArrayBuffer | ArrayBufferView): ArrayBuffer {
  if (shard instanceof ArrayBuffer) return shard;
  if (ArrayBuffer.isView(shard)) {
    return shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength) as ArrayBuffer;
  }
  throw new Error(
    `readModelJson: readShard must resolve to an ArrayBuffer or a typed array, got ${typeof shard}`,
  );
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: model.json is not valid JSON (${(error as Error).message})`);
  }
}
