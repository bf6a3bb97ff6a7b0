import { RECALL_KEYS, RECALL_TOKENS } from './recall-data';
import { SequenceClassifier, type SequenceClassifierConfig } from './sequence-classifier';

/**
 * A classifier for the recall task: its vocabulary (`RECALL_TOKENS`) and one class per key. The
 * model of the demo's gate view and GRU-vs-LSTM race and of the bench's memory-horizon claim.
 */
export function recallClassifier(
  options: Omit<SequenceClassifierConfig, 'vocabSize' | 'classes'>,
): SequenceClassifier {
  const { cell, embeddingSize, hiddenSize, seed, ...rest } = options;
  // The saved config.json lists the fields in this order.
  return new SequenceClassifier({
    cell,
    vocabSize: RECALL_TOKENS.length,
    embeddingSize,
    hiddenSize,
    classes: RECALL_KEYS,
    seed,
    ...rest,
  });
}

/** What the demo's recall model records about its training (`extra` of its config.json). */
export interface RecallModelExtra {
  task: 'recall';
  tokens: readonly string[];
  /** Distances (distractors between key and question) drawn uniformly in training. */
  trainedDistances: [number, number];
  trainedSteps: number;
  trainingSeconds: number;
  /** Held-out accuracy per distance (256 sequences each). */
  accuracy: Array<{ distance: number; accuracy: number }>;
}
