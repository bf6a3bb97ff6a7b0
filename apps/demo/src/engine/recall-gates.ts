import {
  loadClassifier,
  parseRecallSequence,
  RECALL_TOKENS,
  type SequenceClassifier,
} from '@gated/models';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { fetchModelFolder } from './model-files';
import type { GateView } from './protocol';

/** The pretrained recall LSTM (`public/models/recall`, from `pnpm bench train-demo-models`). */
export class RecallGates {
  private constructor(private readonly model: SequenceClassifier) {}

  static async fetch(baseUrl: string): Promise<RecallGates> {
    const files = await fetchModelFolder(baseUrl);
    const json = new TextDecoder().decode(files['config.json']);
    return new RecallGates(loadClassifier(json, files['weights.safetensors']).model);
  }

  /** Every gate and state of the LSTM per step for one typed sequence, and its answer. */
  view(text: string): GateView {
    const ids = parseRecallSequence(text);
    if (ids.length > 402) throw new Error(`At most 400 distractors, got ${ids.length - 2}`);
    const tokens = tf.tensor2d([ids], undefined, 'int32') as Tensor2D;
    const { logits, gates } = this.model.trace(tokens);
    tokens.dispose();
    const row = logits[0] ?? [];
    const top = Math.max(...row);
    const exps = row.map((v) => Math.exp(v - top));
    const total = exps.reduce((a, b) => a + b, 0);
    const probabilities = exps.map((v) => v / total);
    const best = probabilities.indexOf(Math.max(...probabilities));
    return {
      tokens: ids.map((id) => RECALL_TOKENS[id] ?? '?'),
      gates,
      probabilities,
      prediction: `K${best}`,
    };
  }
}
