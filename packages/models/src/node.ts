/**
 * Node only: `import { loadTextModel } from '@gated/models/node'` (reads files with node:fs, so
 * it is kept out of the main entry, which the demo bundles for the browser).
 */
import { readCheckpoint } from '@gated/seq2seq/node';
import { TextModel } from './text-model';

/** A text model saved as a checkpoint directory (`pnpm bench train-demo-models` writes them). */
export function loadTextModel(dir: string): TextModel {
  return TextModel.fromFiles(readCheckpoint(dir));
}
