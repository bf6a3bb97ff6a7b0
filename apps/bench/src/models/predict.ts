import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { TextModel } from './text-model';

/**
 * `predict --model DIR [--beam N]`: one input per line on stdin, `input<TAB>output` per line on
 * stdout (phonemes space-separated). Lines are decoded in batches of 64 as they arrive.
 */
export async function runPredict(
  modelDir: string,
  beamSize: number,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const model = TextModel.load(resolve(process.cwd(), modelDir));
  const pending: string[] = [];
  let count = 0;
  const flush = () => {
    if (pending.length === 0) return;
    const predictions = model.predict(pending, beamSize);
    for (const [i, text] of pending.entries())
      output.write(`${text}\t${model.detokenize(predictions[i]!)}\n`);
    count += pending.length;
    pending.length = 0;
  };
  for await (const line of createInterface({ input })) {
    const text = line.trim();
    if (text.length === 0) continue;
    pending.push(text);
    if (pending.length === 64) flush();
  }
  flush();
  model.model.dispose();
  return count;
}
