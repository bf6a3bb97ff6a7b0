import {
  BOS_ID,
  characterTokenizer,
  EOS_ID,
  PAD_ID,
  symbolTokenizer,
  type Tokenizer,
  Vocab,
  type VocabJson,
} from '@gated/datasets';
import {
  beamSearch,
  type CheckpointFiles,
  greedyDecode,
  type Hypothesis,
  loadModel,
  type Seq2Seq,
} from '@gated/seq2seq';

/**
 * The ids of `<pad>`, `<bos>` and `<eos>` in every `Vocab`, as a `Seq2SeqConfig` takes them
 * (seq2seq knows token ids, not vocabularies).
 */
export const VOCAB_SPECIAL_IDS = { padId: PAD_ID, bosId: BOS_ID, eosId: EOS_ID } as const;

export type TokenizerName = 'characters' | 'symbols';

export const tokenizers: Record<TokenizerName, Tokenizer> = {
  characters: characterTokenizer,
  symbols: symbolTokenizer,
};

/** What a text model carries besides its weights (the checkpoint's `extra`). */
export interface TextModelExtra {
  task: string;
  sourceTokenizer: TokenizerName;
  targetTokenizer: TokenizerName;
  sourceVocab: VocabJson;
  targetVocab: VocabJson;
  /** Written by the bench's training (`pnpm bench train-demo-models`); absent for a page's model. */
  trainedSteps?: number;
  trainingSeconds?: number;
}

/** One answer with its attention: `attention[i][j]` = weight of source token j at output step i. */
export interface Translation {
  sourceTokens: string[];
  outputTokens: string[];
  output: string;
  /** Rows per output token plus one for EOS, columns per source token. */
  attention: number[][];
  milliseconds: number;
}

/**
 * A Seq2Seq model with its vocabularies and tokenizers: text in, text (and attention) out. It
 * owns the model: `dispose()` disposes it.
 */
export class TextModel {
  readonly sourceVocab: Vocab;
  readonly targetVocab: Vocab;

  constructor(
    readonly model: Seq2Seq,
    readonly extra: TextModelExtra,
  ) {
    this.sourceVocab = Vocab.fromJSON(extra.sourceVocab);
    this.targetVocab = Vocab.fromJSON(extra.targetVocab);
  }

  /**
   * A saved text model from its checkpoint files (`config.json`, `weights.safetensors`), however
   * they were read: from a folder (`loadTextModel` of `@gated/models/node`) or fetched.
   * @throws as `loadModel` does, when the files are not a complete, intact checkpoint
   */
  static fromFiles(files: CheckpointFiles): TextModel {
    const { model, extra } = loadModel(files);
    return new TextModel(model, extra as TextModelExtra);
  }

  /**
   * Text in, token lists out, in order. Beam 1 is greedy decoding (`greedyDecode`: the same
   * answers as a beam of one, without the beam's bookkeeping; 1.7× the words per second for the
   * G2P model in batches of 256).
   */
  predict(texts: readonly string[], beamSize = 1): string[][] {
    const sources = texts.map((text) => this.encode(text));
    const empty = sources.findIndex((s) => s.length === 0);
    if (empty >= 0) throw new Error(`predict: input ${empty + 1} is empty`);
    if (beamSize === 1)
      return greedyDecode(this.model, sources).map((h) => this.targetVocab.decode(h.tokens));
    return beamSearch(this.model, sources, { beamSize, alpha: 1 }).map(([best]) =>
      this.targetVocab.decode(best!.tokens),
    );
  }

  /** Greedy hypotheses (token ids, score, attention rows) for texts, in order. */
  decode(texts: readonly string[]): Hypothesis[] {
    return greedyDecode(
      this.model,
      texts.map((text) => this.encode(text)),
    );
  }

  /**
   * The greedy answer for one typed input (trimmed), with its tokens, attention and timing.
   * @throws Error when the input has no characters
   */
  translate(text: string): Translation {
    const sourceTokens = tokenizers[this.extra.sourceTokenizer].tokenize(text.trim());
    if (sourceTokens.length === 0) throw new Error('Type something first');
    const ids = this.sourceVocab.encode(sourceTokens);
    const started = performance.now();
    const [hypothesis] = greedyDecode(this.model, [ids], { maxLength: 3 * ids.length + 10 });
    const milliseconds = performance.now() - started;
    const outputTokens = this.targetVocab.decode(hypothesis?.tokens ?? []);
    return {
      sourceTokens,
      outputTokens,
      output: this.detokenize(outputTokens),
      attention: hypothesis?.attention ?? [],
      milliseconds,
    };
  }

  /** The output as text, tokens joined as the target tokenizer joins them. */
  detokenize(tokens: readonly string[]): string {
    return tokenizers[this.extra.targetTokenizer].detokenize(tokens);
  }

  dispose(): void {
    this.model.dispose();
  }

  /** Source ids of one text, tokenised as the model was trained (unknown tokens as `<unk>`). */
  private encode(text: string): number[] {
    return this.sourceVocab.encode(tokenizers[this.extra.sourceTokenizer].tokenize(text));
  }
}
