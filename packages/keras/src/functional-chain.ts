/**
 * A Keras functional model (`class_name` `'Model'` in tfjs-layers and Keras 2, `'Functional'` in
 * Keras 2.4+ and 3) that is a plain chain, input → layer → layer → output, read as the list of
 * its layers, which `loadKerasModel` runs as it runs a Sequential model. Anything with branches,
 * several inputs or outputs, or extra call arguments (`initial_state`, `mask`) is refused.
 */
import type { KerasConfig } from './keras-options';

export interface LayerJson {
  className: string;
  config: KerasConfig;
}

interface FunctionalLayerJson {
  class_name?: unknown;
  name?: unknown;
  config?: unknown;
  inbound_nodes?: unknown;
}

/**
 * The layers of a functional model's config (`{ layers, input_layers, output_layers }`), in
 * order, after checking each reads only the layer before it.
 * @throws naming the first layer that breaks the chain.
 */
export function functionalChain(config: unknown, where: string): LayerJson[] {
  const { layers, output_layers: outputs } = (config ?? {}) as {
    layers?: unknown;
    output_layers?: unknown;
  };
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new Error(`${where}: the functional model's config must list its layers`);
  }
  const refuse = (why: string) =>
    new Error(
      `${where}: only functional models that are one chain of layers load whole; ${why}. Load each layer's weights with loadKerasWeights into a gated layer`,
    );
  const chain: LayerJson[] = [];
  let previous: string | undefined;
  for (const [index, entry] of (layers as FunctionalLayerJson[]).entries()) {
    const name = entry?.name;
    if (
      typeof entry?.class_name !== 'string' ||
      typeof name !== 'string' ||
      typeof entry.config !== 'object'
    ) {
      throw new Error(
        `${where}: layer ${index} must be { class_name, name, config, inbound_nodes }`,
      );
    }
    const nodes = Array.isArray(entry.inbound_nodes) ? entry.inbound_nodes : [];
    if (index === 0) {
      if (nodes.length > 0) throw refuse(`its first layer '${name}' has inputs`);
    } else {
      if (nodes.length !== 1) throw refuse(`layer '${name}' is called ${nodes.length} times`);
      const inbound = inboundLayers(nodes[0]);
      if (inbound === undefined)
        throw refuse(`layer '${name}' is called with arguments besides its input`);
      if (inbound.length !== 1 || inbound[0] !== previous) {
        throw refuse(
          `layer '${name}' reads ${inbound.map((n) => `'${n}'`).join(', ')}, not only '${previous}'`,
        );
      }
    }
    chain.push({ className: entry.class_name, config: { ...(entry.config as KerasConfig), name } });
    previous = name;
  }
  const outputNames = historyNames(outputs);
  if (outputNames.length !== 1 || outputNames[0] !== previous) {
    throw refuse(
      `its outputs are ${outputNames.map((n) => `'${n}'`).join(', ')}, not only its last layer '${previous}'`,
    );
  }
  return chain;
}

/**
 * The layer names one inbound node reads, or undefined when the call passes more than its input.
 * Keras 2 and tfjs-layers: `[['input_1', 0, 0, {}]]`; Keras 3: `{ args: [{ class_name:
 * '__keras_tensor__', config: { keras_history: ['input_layer', 0, 0] } }], kwargs: {} }`.
 */
function inboundLayers(node: unknown): string[] | undefined {
  if (Array.isArray(node)) {
    const kwargs = node.map((tensor) => (Array.isArray(tensor) ? tensor[3] : undefined));
    return kwargs.every(onlyInput) ? historyNames(node) : undefined;
  }
  const { args, kwargs } = (node ?? {}) as { args?: unknown; kwargs?: unknown };
  return onlyInput(kwargs) ? historyNames(args) : undefined;
}

/** Call arguments that change nothing at inference: none, `mask: null`, `training: false`. */
function onlyInput(kwargs: unknown): boolean {
  if (kwargs === undefined || kwargs === null) return true;
  return Object.entries(kwargs as object).every(
    ([key, value]) => value === null || (key === 'training' && value === false),
  );
}

/** Layer names of `[name, node, tensor]` triples or `keras_history`s anywhere in `value`. */
function historyNames(value: unknown): string[] {
  if (Array.isArray(value)) {
    if (typeof value[0] === 'string' && typeof value[1] === 'number') return [value[0]];
    return value.flatMap(historyNames);
  }
  if (value !== null && typeof value === 'object') {
    const history = (value as { config?: { keras_history?: unknown } }).config?.keras_history;
    if (history !== undefined) return historyNames(history);
  }
  return [];
}
