export {
  type BucketOptions,
  bucketByLength,
  type PaddedBatch,
  type PadOptions,
  padBatch,
  splitBy,
} from './batching';
export {
  type BleuOptions,
  type BleuScore,
  type BleuSmoothing,
  type BleuStatistics,
  bleuFromStatistics,
  corpusBleu,
  sentenceBleu,
} from './bleu';
export { type BleuTokenizer, tokenizeForBleu } from './bleu-tokenizers';
export { type ChrfOptions, type ChrfScore, corpusChrf, sentenceChrf } from './chrf';
export {
  type CmudictOptions,
  cmudictG2P,
  type G2PEntry,
  type G2PSplit,
  loadCmudictG2P,
} from './cmudict';
export { fnv1a32, hashSplit } from './fnv1a';
export {
  editDistance,
  exactMatch,
  type Scored,
  tokenAccuracy,
  tokenErrorRate,
  wordErrorRate,
} from './metrics';
export { type Random, randomInt, seededRandom, shuffled } from './random';
export { type AddingExample, addingProblem, addingProblemCorrect } from './tasks/adding-problem';
export { additionTask } from './tasks/addition';
export {
  DATE_FORMATS,
  DATE_TASK_YEARS,
  type DateExample,
  type DateParts,
  type DateTaskOptions,
  dateFromDayNumber,
  dateTask,
  MONTH_NAMES,
} from './tasks/dates';
export { type RecallTaskOptions, recallTask } from './tasks/recall';
export { copyTask, reverseTask, type SymbolTaskOptions, sortTask } from './tasks/symbol-tasks';
export type { TaskOptions, TextExample } from './tasks/task-options';
export {
  characterTokenizer,
  symbolTokenizer,
  type Tokenizer,
  whitespaceTokenizer,
} from './tokenizers';
export {
  BOS_ID,
  EOS_ID,
  PAD_ID,
  SPECIAL_TOKENS,
  UNK_ID,
  Vocab,
  type VocabBuildOptions,
  type VocabJson,
} from './vocab';
