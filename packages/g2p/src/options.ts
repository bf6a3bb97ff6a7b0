import type { ReadModelFile } from './model-files';

/** How pronunciations are written. */
export interface FormatOptions {
  /** `'arpabet'` (CMUdict's symbols: `HH AH0 L OW1`, the default) or `'ipa'` (`həlˈoʊ`). */
  alphabet?: 'arpabet' | 'ipa';
  /** Keep stress: ARPAbet's digits, IPA's `ˈ` `ˌ`. Default `true`, as TTS needs it. */
  stress?: boolean;
  /**
   * Pronunciations the model proposes per word it decodes, most probable first, in [1, 32].
   * Default 1: the best one, with its probability.
   */
  nBest?: number;
}

/** What `createG2P` takes: the format options, and where words and the model come from. */
export interface G2POptions extends FormatOptions {
  /**
   * Look words up in CMUdict before asking the model. Default `true`: the dictionary is right
   * for the 134,000 words it has. `false` sends every word to the model.
   */
  lexicon?: boolean;
  /**
   * The folder holding the model's `config.json` and `weights.safetensors`. Default: the `model/`
   * folder of this package, found from the module's URL — right in Node and in unbundled ES
   * modules; a bundled page serves those two files somewhere and passes that folder here.
   */
  modelUrl?: string | URL;
  /** Reads one model file. Default: `fetch`, or `node:fs` for `file:` URLs. */
  readFile?: ReadModelFile;
  /**
   * Hypotheses the beam search keeps per word, in [1, 32]; 1 is greedy decoding. Default 1, the
   * fastest; raised to `nBest` when that is larger.
   */
  beamSize?: number;
  /**
   * Words decoded together by one batched search, in [1, 4096]. Default 256: larger batches share
   * each step's fixed cost among more words, and past a few hundred the gain is gone.
   */
  batchSize?: number;
}

/** Every option of `G2POptions` with its value: what a pronouncer runs with (`g2p.options`). */
export interface ResolvedOptions {
  alphabet: 'arpabet' | 'ipa';
  stress: boolean;
  nBest: number;
  lexicon: boolean;
  modelUrl: string | URL | undefined;
  readFile: ReadModelFile | undefined;
  beamSize: number;
  batchSize: number;
}

const FORMAT_KEYS = ['alphabet', 'stress', 'nBest'] as const;
const ALL_KEYS = [...FORMAT_KEYS, 'lexicon', 'modelUrl', 'readFile', 'beamSize', 'batchSize'];
export const MAX_BEAM = 32;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

function checkKeys(where: string, options: object, allowed: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new Error(`${where}: options must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options))
    if (!allowed.includes(key))
      throw new Error(`${where}: unknown option '${key}' (the options are ${allowed.join(', ')})`);
}

function integer(where: string, name: string, value: unknown, min: number, max: number): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max)
    throw new Error(
      `${where}: ${name} must be an integer in [${min}, ${max}], got ${describe(value)}`,
    );
  return value as number;
}

function boolean(where: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new Error(`${where}: ${name} must be true or false, got ${describe(value)}`);
  return value;
}

/** Format options over `base`, checked. */
export function resolveFormat(
  where: string,
  options: FormatOptions,
  base: Pick<ResolvedOptions, 'alphabet' | 'stress' | 'nBest'>,
): Pick<ResolvedOptions, 'alphabet' | 'stress' | 'nBest'> {
  checkKeys(where, options, FORMAT_KEYS);
  const { alphabet = base.alphabet, stress = base.stress, nBest = base.nBest } = options;
  if (alphabet !== 'arpabet' && alphabet !== 'ipa')
    throw new Error(`${where}: alphabet must be 'arpabet' or 'ipa', got ${describe(alphabet)}`);
  return {
    alphabet,
    stress: boolean(where, 'stress', stress),
    nBest: integer(where, 'nBest', nBest, 1, MAX_BEAM),
  };
}

/** `createG2P`'s options with their defaults, checked; throws naming the first bad one. */
export function resolveOptions(options: G2POptions): ResolvedOptions {
  const where = 'createG2P';
  checkKeys(where, options, ALL_KEYS);
  const format = resolveFormat(
    where,
    { alphabet: options.alphabet, stress: options.stress, nBest: options.nBest },
    { alphabet: 'arpabet', stress: true, nBest: 1 },
  );
  const { modelUrl, readFile } = options;
  if (modelUrl !== undefined && typeof modelUrl !== 'string' && !(modelUrl instanceof URL))
    throw new Error(`${where}: modelUrl must be a string or a URL, got ${describe(modelUrl)}`);
  if (readFile !== undefined && typeof readFile !== 'function')
    throw new Error(
      `${where}: readFile must be a function (url) => bytes, got ${describe(readFile)}`,
    );
  return {
    ...format,
    lexicon: boolean(where, 'lexicon', options.lexicon ?? true),
    modelUrl,
    readFile,
    beamSize: integer(where, 'beamSize', options.beamSize ?? 1, 1, MAX_BEAM),
    batchSize: integer(where, 'batchSize', options.batchSize ?? 256, 1, 4096),
  };
}
