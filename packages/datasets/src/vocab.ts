/** The special tokens every vocabulary starts with, at these ids. */
export const SPECIAL_TOKENS = ['<pad>', '<bos>', '<eos>', '<unk>'] as const;
/** Id of `<pad>`, the padding token (0 in every vocabulary). */
export const PAD_ID = 0;
/** Id of `<bos>`, the beginning-of-sequence token. */
export const BOS_ID = 1;
/** Id of `<eos>`, the end-of-sequence token. */
export const EOS_ID = 2;
/** Id of `<unk>`, which every token outside the vocabulary encodes to. */
export const UNK_ID = 3;

/** Which tokens `Vocab.build` keeps. */
export interface VocabBuildOptions {
  /** Tokens seen fewer times are left out (they encode as `<unk>`). Default 1: keep everything. */
  minFrequency?: number;
  /** Most tokens kept, specials included; the most frequent win. Default: no limit. */
  maxSize?: number;
}

/** The JSON form of a vocabulary: `{ "format": "gated-vocab", "version": 1, "tokens": [...] }`. */
export interface VocabJson {
  format: 'gated-vocab';
  version: 1;
  tokens: string[];
}

/**
 * Tokens ↔ ids. Ids 0–3 are `<pad>`, `<bos>`, `<eos>`, `<unk>`; the rest are ordered by
 * frequency, then by code point, so the same data always gives the same ids.
 */
export class Vocab {
  private readonly ids: Map<string, number>;

  private constructor(readonly tokens: readonly string[]) {
    this.ids = new Map(tokens.map((token, id) => [token, id]));
  }

  /** Counts tokens over `sequences` and keeps those allowed by `options`. */
  static build(sequences: Iterable<readonly string[]>, options: VocabBuildOptions = {}): Vocab {
    const minFrequency = options.minFrequency ?? 1;
    const maxSize = options.maxSize ?? Number.POSITIVE_INFINITY;
    if (maxSize < SPECIAL_TOKENS.length)
      throw new Error(
        `Vocab.build: maxSize must be at least ${SPECIAL_TOKENS.length} (the special tokens), got ${maxSize}`,
      );
    const counts = new Map<string, number>();
    for (const sequence of sequences)
      for (const token of sequence) counts.set(token, (counts.get(token) ?? 0) + 1);
    for (const special of SPECIAL_TOKENS) counts.delete(special);
    const kept = [...counts]
      .filter(([, count]) => count >= minFrequency)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, maxSize - SPECIAL_TOKENS.length)
      .map(([token]) => token);
    return new Vocab([...SPECIAL_TOKENS, ...kept]);
  }

  /** A vocabulary from an explicit token list (specials first, added if absent). */
  static fromTokens(tokens: readonly string[]): Vocab {
    const rest = tokens.filter((t) => !(SPECIAL_TOKENS as readonly string[]).includes(t));
    return Vocab.fromJSON({
      format: 'gated-vocab',
      version: 1,
      tokens: [...SPECIAL_TOKENS, ...new Set(rest)],
    });
  }

  /** Reads `toJSON()`'s output (an object or its JSON text), refusing anything malformed, saying what. */
  static fromJSON(json: unknown): Vocab {
    let value = json;
    if (typeof json === 'string') {
      try {
        value = JSON.parse(json);
      } catch (error) {
        throw new Error(`Vocab.fromJSON: not valid JSON (${(error as Error).message})`);
      }
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new Error(
        `Vocab.fromJSON: expected an object with format, version and tokens, got ${Array.isArray(value) ? 'an array' : String(value)}`,
      );
    const { format, version, tokens } = value as Partial<VocabJson>;
    if (format !== 'gated-vocab')
      throw new Error(
        `Vocab.fromJSON: format must be "gated-vocab", got ${JSON.stringify(format)}`,
      );
    if (version !== 1)
      throw new Error(
        `Vocab.fromJSON: version ${JSON.stringify(version)} is not supported (expected 1)`,
      );
    if (!Array.isArray(tokens))
      throw new Error(`Vocab.fromJSON: tokens must be an array of strings, got ${typeof tokens}`);
    const bad = tokens.findIndex((t) => typeof t !== 'string' || t.length === 0);
    if (bad >= 0)
      throw new Error(
        `Vocab.fromJSON: tokens[${bad}] must be a non-empty string, got ${JSON.stringify(tokens[bad])}`,
      );
    SPECIAL_TOKENS.forEach((special, id) => {
      if (tokens[id] !== special)
        throw new Error(
          `Vocab.fromJSON: tokens[${id}] must be ${special}, got ${JSON.stringify(tokens[id])}`,
        );
    });
    const seen = new Set<string>();
    for (const [id, token] of tokens.entries()) {
      if (seen.has(token))
        throw new Error(
          `Vocab.fromJSON: token ${JSON.stringify(token)} appears twice (again at ${id})`,
        );
      seen.add(token);
    }
    return new Vocab(tokens);
  }

  /** Number of tokens, the four special tokens included: ids run from 0 to `size - 1`. */
  get size(): number {
    return this.tokens.length;
  }

  /** The id of `token`, or `<unk>`'s. */
  id(token: string): number {
    return this.ids.get(token) ?? UNK_ID;
  }

  /** Ids of `tokens`, unknown ones as `<unk>`, optionally wrapped in `<bos>` … `<eos>`. */
  encode(tokens: readonly string[], options: { bos?: boolean; eos?: boolean } = {}): number[] {
    const ids = tokens.map((t) => this.id(t));
    if (options.bos) ids.unshift(BOS_ID);
    if (options.eos) ids.push(EOS_ID);
    return ids;
  }

  /** Tokens of `ids`; stops at `<eos>` and drops `<pad>`/`<bos>` unless `keepSpecials`. */
  decode(ids: ArrayLike<number>, options: { keepSpecials?: boolean } = {}): string[] {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!options.keepSpecials) {
        if (id === EOS_ID) break;
        if (id === PAD_ID || id === BOS_ID) continue;
      }
      const token = this.tokens[id];
      if (token === undefined)
        throw new Error(
          `Vocab.decode: id ${id} at position ${i} is outside the vocabulary (size ${this.size})`,
        );
      out.push(token);
    }
    return out;
  }

  /** The tokens in id order, for `JSON.stringify` and `Vocab.fromJSON`. */
  toJSON(): VocabJson {
    return { format: 'gated-vocab', version: 1, tokens: [...this.tokens] };
  }
}
