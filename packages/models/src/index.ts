export {
  type ClassifierManifest,
  classifierAccuracy,
  classifierStep,
  loadClassifier,
  saveClassifier,
} from './classifier-training';
export { gradientNormsByDistance, type RecurrentKind } from './gradient-norms';
export {
  parseRecallSequence,
  RECALL_DISTRACTORS,
  RECALL_KEYS,
  RECALL_TOKENS,
  type RecallBatch,
  recallBatch,
} from './recall-data';
export { type RecallModelExtra, recallClassifier } from './recall-model';
export {
  type ClassifierCell,
  type GateTraceValues,
  SequenceClassifier,
  type SequenceClassifierConfig,
} from './sequence-classifier';
export {
  TextModel,
  type TextModelExtra,
  type TokenizerName,
  type Translation,
  tokenizers,
  VOCAB_SPECIAL_IDS,
} from './text-model';
