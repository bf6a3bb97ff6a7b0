/**
 * A checkpoint's config is input: it is checked field by field, against limits, and against the
 * size of the weights it comes with before any tensor exists, so that a damaged or hostile
 * `config.json` (`encoderLayers: 1e9`) is refused in microseconds instead of allocating gigabytes.
 */
import { type ResolvedConfig, resolveConfig, type Seq2SeqConfig } from './config';

/** The largest model a checkpoint may describe. Pass others to `loadModel(files, { limits })`. */
export interface CheckpointLimits {
  /** `encoderLayers`, `decoderLayers`. */
  maxLayers: number;
  /** `embeddingSize`, `hiddenSize`, `encoderHiddenSize`. */
  maxWidth: number;
  /** `sourceVocabSize`, `targetVocabSize`. */
  maxVocabSize: number;
  /** All parameters together, counted from the config (`parameterCount`). */
  maxParameters: number;
}

/** The default limits a loaded checkpoint's config is checked against (`loadModel(files, { limits })` changes them). */
export const CHECKPOINT_LIMITS: Readonly<CheckpointLimits> = Object.freeze({
  // GNMT (Wu et al. 2016) stacks 8 LSTM layers, with residual connections this model lacks.
  maxLayers: 16,
  // The widest published LSTM (Jozefowicz et al. 2016) has 8192 units.
  maxWidth: 8192,
  // Word-level NMT vocabularies stay below 500k; character and subword ones far below.
  maxVocabSize: 1_000_000,
  // 2^28 = 268M parameters, 1 GiB as float32: already more than a browser tab holds twice.
  maxParameters: 2 ** 28,
});

type FieldKind = 'integer' | 'number' | 'boolean' | 'string';

/** Every field a saved config may have, and what each must be. */
const FIELDS: Record<keyof Seq2SeqConfig, { kind: FieldKind; limit?: keyof CheckpointLimits }> = {
  sourceVocabSize: { kind: 'integer', limit: 'maxVocabSize' },
  targetVocabSize: { kind: 'integer', limit: 'maxVocabSize' },
  bosId: { kind: 'integer' },
  eosId: { kind: 'integer' },
  padId: { kind: 'integer' },
  cell: { kind: 'string' },
  embeddingSize: { kind: 'integer', limit: 'maxWidth' },
  hiddenSize: { kind: 'integer', limit: 'maxWidth' },
  encoderHiddenSize: { kind: 'integer', limit: 'maxWidth' },
  encoderLayers: { kind: 'integer', limit: 'maxLayers' },
  decoderLayers: { kind: 'integer', limit: 'maxLayers' },
  bidirectional: { kind: 'boolean' },
  attention: { kind: 'string' },
  dropout: { kind: 'number' },
  reverseSource: { kind: 'boolean' },
  tieEmbeddings: { kind: 'boolean' },
  seed: { kind: 'integer' },
};

/**
 * A checkpoint's `config` as a resolved config, or an `Error` naming the field, what it must be
 * and what it is: missing or unknown fields, wrong types, sizes past `limits`, impossible
 * combinations, and more than `limits.maxParameters` parameters in all.
 */
export function checkCheckpointConfig(
  raw: unknown,
  limits: Readonly<CheckpointLimits> = CHECKPOINT_LIMITS,
): ResolvedConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new Error(`checkpoint: config must be an object, got ${JSON.stringify(raw)}`);
  const config = raw as Record<string, unknown>;
  for (const name of Object.keys(config)) {
    if (!Object.hasOwn(FIELDS, name))
      throw new Error(
        `checkpoint: config has an unknown field '${name}' (a newer version's, or a typo); expected only ${Object.keys(FIELDS).join(', ')}`,
      );
  }
  // `saveModel` writes the resolved config: a missing field is damage, not a default.
  for (const name of Object.keys(FIELDS)) {
    if (!Object.hasOwn(config, name)) throw new Error(`checkpoint: config.${name} is missing`);
  }
  for (const [name, { kind, limit }] of Object.entries(FIELDS)) {
    const value = config[name];
    if (!hasKind(value, kind))
      throw new Error(`checkpoint: config.${name} must be ${article(kind)}, got ${show(value)}`);
    if (limit && (value as number) > limits[limit])
      throw new Error(
        `checkpoint: config.${name} must be at most ${limits[limit]} (limits.${limit}), got ${value}`,
      );
  }
  const resolved = resolveConfig(config as unknown as Seq2SeqConfig);
  const parameters = parameterCount(resolved);
  if (parameters > limits.maxParameters)
    throw new Error(
      `checkpoint: the config describes ${parameters} parameters, more than the limit of ${limits.maxParameters} (limits.maxParameters)`,
    );
  return resolved;
}

function hasKind(value: unknown, kind: FieldKind): boolean {
  if (kind === 'integer') return Number.isSafeInteger(value);
  if (kind === 'number') return typeof value === 'number' && Number.isFinite(value);
  return typeof value === kind;
}

const article = (kind: FieldKind) => (kind === 'integer' ? 'an integer' : `a ${kind}`);
const show = (value: unknown) =>
  typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));

const GATES = { lstm: 4, gru: 3, rnn: 1 } as const;

/** Parameters of a (multi-layer, maybe bidirectional) recurrent layer with PyTorch's two biases. */
function recurrentParameters(
  cell: ResolvedConfig['cell'],
  input: number,
  hidden: number,
  layers: number,
  directions: number,
): number {
  const rows = GATES[cell] * hidden;
  let total = 0;
  for (let layer = 0; layer < layers; layer++) {
    const width = layer === 0 ? input : hidden * directions;
    total += directions * rows * (width + hidden + 2);
  }
  return total;
}

/**
 * The number of scalar parameters a model of this config has, counted without building it
 * (`new Seq2Seq(config).numParameters()` equals it; a test checks that across configs).
 */
export function parameterCount(config: ResolvedConfig): number {
  const { cell, embeddingSize: E, hiddenSize: H, encoderHiddenSize: He } = config;
  const directions = config.bidirectional ? 2 : 1;
  const encoder =
    config.sourceVocabSize * E +
    recurrentParameters(cell, E, He / directions, config.encoderLayers, directions);
  const bridge = He === H ? 0 : (He * H + H) * (cell === 'lstm' ? 2 : 1);
  const V = config.targetVocabSize;
  const output = config.tieEmbeddings ? H * E + E + V : H * V + V;
  let decoderInput = E;
  let attention = 0;
  if (config.attention !== 'none') {
    decoderInput += config.attention === 'bahdanau' ? He : H;
    if (config.attention === 'bahdanau' || config.attention === 'luong-concat')
      attention = H * H + He * H + H; // query, key and energy layers, no biases
    else if (config.attention === 'luong-general') attention = He * H;
    attention += (H + He) * H; // combine: tanh(W_c [s; c])
  }
  const decoder = V * E + recurrentParameters(cell, decoderInput, H, config.decoderLayers, 1);
  return encoder + bridge + decoder + attention + output;
}

/** The u64 little-endian length at the start of a safetensors file; NaN when it is too short. */
function safetensorsHeaderLength(bytes: Uint8Array): number {
  if (bytes.length < 8) return Number.NaN;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  return view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
}

/**
 * Refuses a safetensors file whose tensor data could not hold `parameters` values at any of
 * `bytesPerValue` (4 for F32, 2 for F16/BF16), before it is decoded. `upTo`: the data may hold
 * fewer (Adam's moments exist only after the first update).
 */
export function checkTensorBytes(
  name: string,
  bytes: Uint8Array,
  parameters: number,
  bytesPerValue: readonly number[],
  upTo = false,
): void {
  const headerLength = safetensorsHeaderLength(bytes);
  if (!(headerLength <= bytes.length - 8))
    throw new Error(
      `checkpoint: ${name} is not a safetensors file (${bytes.length} bytes, header length ${headerLength})`,
    );
  const data = bytes.length - 8 - headerLength;
  const fits = bytesPerValue.some((size) =>
    upTo ? data <= parameters * size : data === parameters * size,
  );
  if (!fits) {
    const sizes = bytesPerValue.map((size) => `${parameters * size}`).join(' or ');
    throw new Error(
      `checkpoint: ${name} holds ${data} bytes of tensor data; the config describes ${parameters} values, ${upTo ? 'at most ' : ''}${sizes} bytes`,
    );
  }
}
