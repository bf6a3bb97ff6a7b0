import { resolve } from 'node:path';
import { SPECIAL_TOKENS } from '@gated/datasets';
import { tokenizers } from '@gated/models';
import { loadTextModel } from '@gated/models/node';
import { type PredictLinesOptions, type PredictSummary, predictLines } from './predict-lines';

/**
 * `predict --model DIR [--beam N]`: one input per line on stdin, `input<TAB>output` per line on
 * stdout (phonemes space-separated); see `predictLines` for lines it skips and how it batches.
 */
export async function runPredict(
  modelDir: string,
  beamSize: number,
  input: AsyncIterable<string | Uint8Array> = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
  options: PredictLinesOptions = {},
): Promise<PredictSummary> {
  const model = loadTextModel(resolve(process.cwd(), modelDir));
  const tokenizer = tokenizers[model.extra.sourceTokenizer];
  try {
    return await predictLines(
      input,
      output,
      {
        tokenize: (text) => tokenizer.tokenize(text),
        // `<pad>`, `<bos>`, `<eos>` and `<unk>` are not inputs, even spelt out by a symbol tokenizer.
        knows: (token) => model.sourceVocab.id(token) >= SPECIAL_TOKENS.length,
        predict: (texts) =>
          model.predict(texts, beamSize).map((tokens) => model.detokenize(tokens)),
      },
      options,
    );
  } finally {
    model.dispose();
  }
}
