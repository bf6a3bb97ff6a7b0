/** Which recurrent kind runs the encoder and decoder. */
export type CellKind = 'lstm' | 'gru' | 'rnn';

/** `'none'` is Sutskever et al. 2014's fixed-vector model; the others attend over the source. */
export type AttentionKind = 'none' | 'bahdanau' | 'luong-dot' | 'luong-general' | 'luong-concat';

/** Everything that determines a Seq2Seq model's shape. Token ids in, token ids out. */
export interface Seq2SeqConfig {
  /** Source vocabulary size, special tokens included. */
  sourceVocabSize: number;
  /** Target vocabulary size, special tokens included. */
  targetVocabSize: number;
  /** Token that starts every target sequence fed to the decoder. */
  bosId: number;
  /** Token that ends every target sequence; decoding stops at it. */
  eosId: number;
  /** Token that pads batches; never predicted, masked out of the loss and attention. */
  padId: number;
  /** Recurrent kind for encoder and decoder. Default `'lstm'`, the seed's main subject. */
  cell?: CellKind;
  /** Width of source and target embeddings. Default 64: plenty for character-level vocabularies. */
  embeddingSize?: number;
  /**
   * Decoder state width, and the width of the encoder's output (split across directions when
   * bidirectional, as OpenNMT does, so that no bridge is needed). Default 128.
   */
  hiddenSize?: number;
  /** Encoder output width when it should differ from `hiddenSize`; a tanh bridge maps it. Default `hiddenSize`. */
  encoderHiddenSize?: number;
  /** Stacked encoder layers. Default 1. */
  encoderLayers?: number;
  /** Stacked decoder layers. Default 1. */
  decoderLayers?: number;
  /** Read the source both ways (Bahdanau et al. 2014). Default `true`. */
  bidirectional?: boolean;
  /** Attention over the encoder outputs. Default `'bahdanau'`. */
  attention?: AttentionKind;
  /** Dropout on embeddings, between layers and before the output layer (training only). Default 0. */
  dropout?: number;
  /** Feed the source reversed (Sutskever et al. 2014, §3.3). Default `false`. */
  reverseSource?: boolean;
  /** Share the target embedding with the output layer (Press & Wolf 2017). Default `false`. */
  tieEmbeddings?: boolean;
  /** Seed for initialisation; the same seed gives the same model. Default 0, so runs repeat. */
  seed?: number;
}

/** A `Seq2SeqConfig` with every default filled in, as `model.config` holds it. */
export type ResolvedConfig = Required<Seq2SeqConfig>;

/** Fills in the defaults and refuses configurations that cannot work, saying why. */
export function resolveConfig(config: Seq2SeqConfig): ResolvedConfig {
  const where = 'Seq2Seq config';
  if (config === null || typeof config !== 'object')
    throw new Error(`${where}: expected an object, got ${config}`);
  const hiddenSize = config.hiddenSize ?? 128;
  const resolved: ResolvedConfig = {
    sourceVocabSize: config.sourceVocabSize,
    targetVocabSize: config.targetVocabSize,
    bosId: config.bosId,
    eosId: config.eosId,
    padId: config.padId,
    cell: config.cell ?? 'lstm',
    embeddingSize: config.embeddingSize ?? 64,
    hiddenSize,
    encoderHiddenSize: config.encoderHiddenSize ?? hiddenSize,
    encoderLayers: config.encoderLayers ?? 1,
    decoderLayers: config.decoderLayers ?? 1,
    bidirectional: config.bidirectional ?? true,
    attention: config.attention ?? 'bahdanau',
    dropout: config.dropout ?? 0,
    reverseSource: config.reverseSource ?? false,
    tieEmbeddings: config.tieEmbeddings ?? false,
    seed: config.seed ?? 0,
  };
  const positive = [
    'sourceVocabSize',
    'targetVocabSize',
    'embeddingSize',
    'hiddenSize',
    'encoderHiddenSize',
    'encoderLayers',
    'decoderLayers',
  ] as const;
  for (const name of positive) {
    const value = resolved[name];
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`${where}: ${name} must be a positive integer, got ${value}`);
  }
  for (const name of ['bosId', 'eosId', 'padId'] as const) {
    const value = resolved[name];
    if (!Number.isInteger(value) || value < 0 || value >= resolved.targetVocabSize) {
      throw new Error(
        `${where}: ${name} must be a target token id in [0, ${resolved.targetVocabSize}), got ${value}`,
      );
    }
  }
  if (resolved.padId >= resolved.sourceVocabSize) {
    throw new Error(
      `${where}: padId ${resolved.padId} must also be a source token id (< ${resolved.sourceVocabSize})`,
    );
  }
  if (new Set([resolved.bosId, resolved.eosId, resolved.padId]).size !== 3) {
    throw new Error(
      `${where}: bosId, eosId and padId must differ, got ${resolved.bosId}, ${resolved.eosId}, ${resolved.padId}`,
    );
  }
  if (!['lstm', 'gru', 'rnn'].includes(resolved.cell))
    throw new Error(`${where}: cell must be 'lstm', 'gru' or 'rnn', got '${resolved.cell}'`);
  const kinds: AttentionKind[] = ['none', 'bahdanau', 'luong-dot', 'luong-general', 'luong-concat'];
  if (!kinds.includes(resolved.attention)) {
    throw new Error(
      `${where}: attention must be one of ${kinds.map((k) => `'${k}'`).join(', ')}, got '${resolved.attention}'`,
    );
  }
  if (resolved.bidirectional && resolved.encoderHiddenSize % 2 !== 0) {
    throw new Error(
      `${where}: a bidirectional encoder splits encoderHiddenSize across two directions; it must be even, got ${resolved.encoderHiddenSize}`,
    );
  }
  if (resolved.attention === 'luong-dot' && resolved.encoderHiddenSize !== hiddenSize) {
    throw new Error(
      `${where}: 'luong-dot' needs encoderHiddenSize = hiddenSize, got ${resolved.encoderHiddenSize} and ${hiddenSize}; use 'luong-general'`,
    );
  }
  for (const name of ['bidirectional', 'reverseSource', 'tieEmbeddings'] as const) {
    if (typeof resolved[name] !== 'boolean')
      throw new Error(
        `${where}: ${name} must be true or false, got ${JSON.stringify(resolved[name])}`,
      );
  }
  if (typeof resolved.dropout !== 'number' || !(resolved.dropout >= 0 && resolved.dropout < 1))
    throw new Error(
      `${where}: dropout must be a number in [0, 1), got ${JSON.stringify(resolved.dropout)}`,
    );
  if (!Number.isInteger(resolved.seed))
    throw new Error(`${where}: seed must be an integer, got ${resolved.seed}`);
  return resolved;
}

/** The fields in which two configurations differ, as `name: a → b` lines. */
export function configDifferences(a: ResolvedConfig, b: ResolvedConfig): string[] {
  const ignored = new Set<string>(['seed']); // the seed only decides the initial weights
  return (Object.keys(a) as Array<keyof ResolvedConfig>)
    .filter((key) => !ignored.has(key) && a[key] !== b[key])
    .map((key) => `${key}: ${JSON.stringify(a[key])} → ${JSON.stringify(b[key])}`);
}
