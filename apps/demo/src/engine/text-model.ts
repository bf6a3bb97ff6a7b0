import { characterTokenizer, symbolTokenizer, type Tokenizer, Vocab } from '@gated/datasets';
import { greedyDecode, loadModel, type Seq2Seq } from '@gated/seq2seq';

/** What a shipped text model carries in `extra` (written by `pnpm bench train-demo-models`). */
export interface TextModelExtra {
  task: string;
  sourceTokenizer: 'characters' | 'symbols';
  targetTokenizer: 'characters' | 'symbols';
  sourceVocab: unknown;
  targetVocab: unknown;
  trainedSteps?: number;
}

const tokenizers: Record<TextModelExtra['sourceTokenizer'], Tokenizer> = {
  characters: characterTokenizer,
  symbols: symbolTokenizer,
};

/** One answer with its attention: `attention[i][j]` = weight of source token j at output step i. */
export interface Translation {
  sourceTokens: string[];
  outputTokens: string[];
  output: string;
  /** Rows per output token plus one for EOS, columns per source token. */
  attention: number[][];
  milliseconds: number;
}

/** A Seq2Seq model with its vocabularies and tokenizers: text in, text and attention out. */
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

  /** Fetches `config.json` and `weights.safetensors` from `baseUrl` (a folder URL ending in `/`). */
  static async fetch(baseUrl: string): Promise<TextModel> {
    const get = async (name: string) => {
      const response = await fetch(new URL(name, baseUrl));
      if (!response.ok) throw new Error(`${name}: HTTP ${response.status} from ${response.url}`);
      return new Uint8Array(await response.arrayBuffer());
    };
    const [config, weights] = await Promise.all([get('config.json'), get('weights.safetensors')]);
    const { model, extra } = loadModel({ 'config.json': config, 'weights.safetensors': weights });
    return new TextModel(model, extra as TextModelExtra);
  }

  /**
   * Greedy answer for one input.
   * @throws Error when the input has no characters the model knows
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
      output: tokenizers[this.extra.targetTokenizer].detokenize(outputTokens),
      attention: hypothesis?.attention ?? [],
      milliseconds,
    };
  }

  dispose(): void {
    this.model.dispose();
  }
}
