/**
 * The neural half: a character-level Seq2Seq (bi-LSTM encoder, Bahdanau attention, LSTM decoder;
 * Bahdanau et al. 2014) with its vocabularies, turning lower-case spellings into ARPAbet.
 */
import { SPECIAL_TOKENS, Vocab } from '@gated/datasets';
import {
  beamSearch,
  type CheckpointFiles,
  greedyDecode,
  type Hypothesis,
  loadModel,
  type Seq2Seq,
} from '@gated/seq2seq';
import { hasStress, parsePhoneme } from './arpabet';

/** One candidate pronunciation of a word and the model's probability of it. */
export interface Alternative {
  /** ARPAbet, with stress digits when the model was trained with them. */
  phonemes: string[];
  /** P(phonemes, then end | spelling) under the model, in (0, 1]. */
  probability: number;
}

/** How `PronunciationModel.decode` searches. */
export interface DecodeOptions {
  /** Hypotheses kept per word at each step; 1 is greedy decoding. */
  beamSize: number;
  /** Alternatives returned per word, ≤ beamSize. */
  nBest: number;
  /** Words decoded together in one batch. */
  batchSize: number;
}

/** What a G2P model's `config.json` carries in `extra`, as the bench writes it. */
interface G2PModelExtra {
  task: string;
  sourceTokenizer: string;
  targetTokenizer: string;
  sourceVocab: unknown;
  targetVocab: unknown;
}

const specials: ReadonlySet<string> = new Set(SPECIAL_TOKENS);

/**
 * The model alone, without the lexicon or the tokeniser: lower-case spellings in, ARPAbet
 * alternatives with their probabilities out. `createG2P` wraps it; use it directly to decode
 * your own checkpoint. Owns its weights: `dispose()` frees them.
 */
export class PronunciationModel {
  /** The characters the model reads (lower case letters and `'` for the shipped one). */
  readonly alphabet: ReadonlySet<string>;
  /** Whether the model writes stress digits (`AH0`) or bare phonemes (`AH`). */
  readonly stress: boolean;

  private constructor(
    readonly model: Seq2Seq,
    private readonly sourceVocab: Vocab,
    private readonly targetVocab: Vocab,
  ) {
    this.alphabet = new Set(sourceVocab.tokens.filter((t) => !specials.has(t)));
    const phonemes = targetVocab.tokens.filter((t) => !specials.has(t));
    this.stress = hasStress(phonemes);
  }

  /**
   * A model from its checkpoint files (`config.json`, `weights.safetensors`, F32 or F16).
   * @throws when the files are not an intact checkpoint, or not a character → ARPAbet model;
   *   nothing is left allocated then
   */
  static fromFiles(files: CheckpointFiles): PronunciationModel {
    const { model, extra } = loadModel(files);
    try {
      const { sourceVocab, targetVocab } = checkExtra(extra);
      return new PronunciationModel(model, sourceVocab, targetVocab);
    } catch (error) {
      model.dispose();
      throw error;
    }
  }

  /** How many weights the model has (1,068,715 for the shipped one). */
  get parameters(): number {
    return this.model.numParameters();
  }

  /** The characters of `word` the model cannot read, each once, in order of appearance. */
  unknownCharacters(word: string): string[] {
    return [...new Set(Array.from(word).filter((c) => !this.alphabet.has(c)))];
  }

  /**
   * The `nBest` most probable pronunciations of each word, most probable first. Words are decoded
   * `batchSize` at a time, shortest first (less padding), and returned in input order.
   * @param words `[W]` spellings whose characters are all in `alphabet`
   * @returns `[W][≤ nBest]`
   */
  decode(words: readonly string[], options: DecodeOptions): Alternative[][] {
    const sources = words.map((word) => {
      const unknown = this.unknownCharacters(word);
      if (word.length === 0 || unknown.length > 0)
        throw new Error(
          `PronunciationModel.decode: ${JSON.stringify(word)} is ${word.length === 0 ? 'empty' : `not readable (${unknown.join(' ')})`}`,
        );
      return this.sourceVocab.encode(Array.from(word));
    });
    const order = sources.map((_, i) => i).sort((a, b) => sources[a]!.length - sources[b]!.length);
    const results = new Array<Alternative[]>(words.length);
    for (let first = 0; first < order.length; first += options.batchSize) {
      const chunk = order.slice(first, first + options.batchSize);
      const decoded = this.decodeBatch(
        chunk.map((i) => sources[i]!),
        options,
      );
      chunk.forEach((i, k) => {
        results[i] = decoded[k]!.map((h) => ({
          phonemes: this.targetVocab.decode(h.tokens),
          probability: Math.exp(h.score),
        }));
      });
    }
    return results;
  }

  /** Frees the model's weights. */
  dispose(): void {
    this.model.dispose();
  }

  private decodeBatch(sources: number[][], options: DecodeOptions): Hypothesis[][] {
    // Scores are plain log-probabilities (no length penalty, α = 0), so exp(score) is the
    // probability of the whole output and the ranking agrees with it.
    if (options.beamSize === 1) return greedyDecode(this.model, sources).map((h) => [h]);
    return beamSearch(this.model, sources, {
      beamSize: options.beamSize,
      nBest: options.nBest,
      alpha: 0,
    });
  }
}

function checkExtra(extra: unknown): { sourceVocab: Vocab; targetVocab: Vocab } {
  const fields = (extra ?? {}) as Partial<G2PModelExtra>;
  if (fields.sourceTokenizer !== 'characters' || fields.targetTokenizer !== 'symbols')
    throw new Error(
      `@gated/g2p: expected a G2P model (characters → symbols) in config.json's extra, got ${JSON.stringify(
        {
          task: fields.task,
          sourceTokenizer: fields.sourceTokenizer,
          targetTokenizer: fields.targetTokenizer,
        },
      )}`,
    );
  const sourceVocab = Vocab.fromJSON(fields.sourceVocab);
  const targetVocab = Vocab.fromJSON(fields.targetVocab);
  for (const token of targetVocab.tokens) {
    if (specials.has(token)) continue;
    try {
      parsePhoneme(token);
    } catch (error) {
      throw new Error(`@gated/g2p: the model's output vocabulary: ${(error as Error).message}`);
    }
  }
  for (const token of sourceVocab.tokens)
    if (!specials.has(token) && Array.from(token).length !== 1)
      throw new Error(
        `@gated/g2p: the model's input vocabulary must be single characters, got ${JSON.stringify(token)}`,
      );
  return { sourceVocab, targetVocab };
}
