import { withoutStress } from './arpabet';
import { arpabetToIpa } from './ipa';
import { type Lexicon, loadCmudict } from './lexicon';
import { defaultModelUrl, readModelFolder } from './model-files';
import {
  type FormatOptions,
  type G2POptions,
  MAX_BEAM,
  type ResolvedOptions,
  resolveFormat,
  resolveOptions,
} from './options';
import { type Alternative, PronunciationModel } from './pronunciation-model';
import { normalizeWord, tokenize, type WordToken } from './tokenize';

/** A pronunciation in the requested alphabet, and the model's probability of it. */
export interface ScoredPronunciation {
  phonemes: string[];
  /** `phonemes` as text: ARPAbet space-separated, IPA run together. */
  pronunciation: string;
  probability: number;
}

/** One word's pronunciation and where it came from. */
export interface WordPronunciation extends WordToken {
  /**
   * `'lexicon'` (CMUdict), `'model'` (the neural model), or `'none'` when the word has characters
   * the model cannot read (then `phonemes` is empty and `unknownCharacters` names them).
   */
  source: 'lexicon' | 'model' | 'none';
  /** ARPAbet symbols (`['HH', 'AH0', 'L', 'OW1']`) or IPA symbols (`['h', 'ə', 'l', 'ˈoʊ']`). */
  phonemes: string[];
  /** `phonemes` as text: `HH AH0 L OW1`, `həlˈoʊ`. */
  pronunciation: string;
  /** Whether stress is marked: asked for, and known (a model trained without stress has none). */
  stressed: boolean;
  /** Model words: the `nBest` candidates, most probable first (the first is `phonemes`). Else `[]`. */
  alternatives: ScoredPronunciation[];
  /** The characters outside the model's alphabet, each once, when `source` is `'none'`. Else `[]`. */
  unknownCharacters: string[];
}

/** What the pronouncer has loaded, once it has (see `G2P.load`). */
export interface ModelInfo {
  parameters: number;
  /** Whether the model writes stress digits. */
  stress: boolean;
  /** The characters it reads, sorted. */
  alphabet: string[];
}

type Format = Pick<ResolvedOptions, 'alphabet' | 'stress' | 'nBest'>;

/**
 * English words and text → phonemes: CMUdict for the words it has (unless `lexicon: false`), the
 * neural model for the rest. Both load on first need. Not safe to use after `dispose()`.
 */
export class G2P {
  private lexicon?: Promise<Lexicon>;
  private model?: Promise<PronunciationModel>;
  private loadedModel?: PronunciationModel;
  private disposed = false;

  constructor(readonly options: ResolvedOptions) {}

  /**
   * The words of `text` and their pronunciations, in order: `"Hello, world!"` → 2 words.
   * Tokenising: see `tokenize` (punctuation and hyphens split words, inner apostrophes stay,
   * case is ignored).
   */
  async pronounce(text: string, options: FormatOptions = {}): Promise<WordPronunciation[]> {
    if (typeof text !== 'string')
      throw new Error(`pronounce: expected a string of text, got ${typeof text}`);
    const format = resolveFormat('pronounce', options, this.options);
    return this.pronounceTokens(tokenize(text), format);
  }

  /**
   * One pronunciation per word, in order, the model's words decoded in batches of `batchSize`:
   * the fast path for word lists. Each string is one word, looked up as `normalizeWord` writes
   * it (lower case, `’` as `'`); nothing is split off, so a space or a comma in it is a
   * character the model cannot read.
   * @param words `[W]` non-empty strings
   * @returns `[W]` results, `source` `'none'` for words with unreadable characters
   */
  async pronounceWords(
    words: readonly string[],
    options: FormatOptions = {},
  ): Promise<WordPronunciation[]> {
    if (!Array.isArray(words))
      throw new Error(`pronounceWords: expected an array of words, got ${typeof words}`);
    const format = resolveFormat('pronounceWords', options, this.options);
    const tokens = words.map((text, i) => {
      if (typeof text !== 'string' || text.length === 0)
        throw new Error(
          `pronounceWords: word ${i} must be a non-empty string, got ${JSON.stringify(text)}`,
        );
      return { text, start: 0, end: text.length, word: normalizeWord(text) };
    });
    return this.pronounceTokens(tokens, format);
  }

  /** Loads the lexicon (when used) and the model now, instead of on first need. */
  async load(): Promise<ModelInfo> {
    if (this.options.lexicon) await this.useLexicon();
    const model = await this.useModel();
    return {
      parameters: model.parameters,
      stress: model.stress,
      alphabet: [...model.alphabet].sort(),
    };
  }

  /** Frees the model's weights. */
  dispose(): void {
    this.disposed = true;
    this.loadedModel?.dispose();
    this.loadedModel = undefined;
  }

  private async pronounceTokens(tokens: WordToken[], format: Format): Promise<WordPronunciation[]> {
    this.checkAlive();
    const lexicon = this.options.lexicon && tokens.length > 0 ? await this.useLexicon() : undefined;
    const found = tokens.map((t) => lexicon?.lookup(t.word));
    const needModel = [...new Set(tokens.filter((_, i) => !found[i]).map((t) => t.word))];
    const model = needModel.length > 0 ? await this.useModel() : undefined;
    this.checkAlive();
    const readable = needModel.filter((w) => model!.unknownCharacters(w).length === 0);
    const decoded = new Map<string, Alternative[]>();
    if (readable.length > 0) {
      const beamSize = Math.min(MAX_BEAM, Math.max(this.options.beamSize, format.nBest));
      const options = { beamSize, nBest: format.nBest, batchSize: this.options.batchSize };
      model!.decode(readable, options).forEach((alternatives, i) => {
        decoded.set(readable[i]!, alternatives);
      });
    }
    return tokens.map((token, i) => {
      const fromLexicon = found[i];
      if (fromLexicon) return this.result(token, 'lexicon', fromLexicon, [], format);
      const alternatives = decoded.get(token.word);
      if (!alternatives) {
        const unknown = model!.unknownCharacters(token.word);
        return { ...this.result(token, 'none', [], [], format), unknownCharacters: unknown };
      }
      return this.result(token, 'model', alternatives[0]!.phonemes, alternatives, format);
    });
  }

  private result(
    token: WordToken,
    source: WordPronunciation['source'],
    arpabet: string[],
    alternatives: Alternative[],
    format: Format,
  ): WordPronunciation {
    const written = formatPhonemes(arpabet, format);
    const known = source === 'lexicon' || (source === 'model' && this.loadedModel!.stress);
    return {
      ...token,
      source,
      ...written,
      stressed: format.stress && known,
      alternatives: alternatives.map((a) => ({
        ...formatPhonemes(a.phonemes, format),
        probability: a.probability,
      })),
      unknownCharacters: [],
    };
  }

  private useLexicon(): Promise<Lexicon> {
    this.lexicon ??= loadCmudict().catch((error) => {
      this.lexicon = undefined;
      throw error;
    });
    return this.lexicon;
  }

  private useModel(): Promise<PronunciationModel> {
    this.model ??= (async () => {
      const files = await readModelFolder(
        this.options.modelUrl ?? defaultModelUrl(),
        this.options.readFile,
      );
      this.checkAlive();
      const model = PronunciationModel.fromFiles(files);
      this.loadedModel = model;
      return model;
    })().catch((error) => {
      this.model = undefined; // a failed load changes nothing, and may be retried
      throw error;
    });
    return this.model;
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('G2P: this pronouncer was disposed');
  }
}

/** ARPAbet (with stress as the source has it) → the requested alphabet and stress. */
function formatPhonemes(
  arpabet: string[],
  format: Format,
): { phonemes: string[]; pronunciation: string } {
  if (format.alphabet === 'ipa') {
    const phonemes = arpabetToIpa(arpabet, { stress: format.stress });
    return { phonemes, pronunciation: phonemes.join('') };
  }
  const phonemes = format.stress ? [...arpabet] : withoutStress(arpabet);
  return { phonemes, pronunciation: phonemes.join(' ') };
}

/**
 * A pronouncer. Checks the options now; the lexicon and the model load on first need (or with
 * `await g2p.load()`).
 * @example
 * const g2p = await createG2P();
 * const [hello] = await g2p.pronounce('Hello');   // hello.pronunciation: 'HH AH0 L OW1'
 */
export async function createG2P(options: G2POptions = {}): Promise<G2P> {
  return new G2P(resolveOptions(options));
}
