export { Adam, type AdamOptions, AdamW, NonFiniteUpdateError } from './adam';
export { AttentionDecoder } from './attention-decoder';
export {
  disposeBatch,
  type Example,
  makeSourceBatch,
  makeTrainingBatch,
  type SourceBatch,
  type TrainingBatch,
} from './batch';
export { type BeamSearchOptions, beamSearch, beamSearchTrace } from './beam-search';
export type { BeamNode, BeamNodeStatus, BeamTrace } from './beam-trace';
export { Bridge } from './bridge';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_LIMITS,
  CHECKPOINT_VERSION,
  type CheckpointFiles,
  type CheckpointLimits,
  type CheckpointManifest,
  type LoadOptions,
  loadModel,
  loadTraining,
  loadWeights,
  parameterCount,
  readManifest,
  type SaveModelOptions,
  saveModel,
  saveTraining,
  type TrainingOverrides,
  upgradeCheckpoint,
} from './checkpoint';
export type { CheckpointFileEntry } from './checkpoint-manifest';
export { clipByGlobalNorm, globalNorm } from './clip';
export {
  type AttentionKind,
  type CellKind,
  configDifferences,
  type ResolvedConfig,
  resolveConfig,
  type Seq2SeqConfig,
} from './config';
export { MAX_BEAM_SIZE } from './decode-checks';
export { Decoder } from './decoder';
export type {
  AttentionStepDetail,
  DecoderMemory,
  DecoderState,
  DecoderStepOutput,
  ExplainedStepOutput,
} from './decoder-state';
export type { DivergenceOptions, DivergenceState, ResolvedDivergence } from './divergence';
export { Encoder, type EncoderOutput } from './encoder';
export { type EvaluateOptions, type EvaluationMetrics, evaluate } from './evaluate';
export {
  type DecodeExplanation,
  type ExplainDecodeOptions,
  type ExplainedStep,
  explainDecode,
  type TokenCandidate,
} from './explain-decode';
export { greedyDecode } from './greedy';
export { type DecodeOptions, type Hypothesis, lengthPenalty } from './hypothesis';
export { maskedCrossEntropy } from './loss';
export type { AnyRecurrent } from './recurrent-factory';
export {
  afterEvaluation,
  type LearningRateSchedule,
  learningRateAt,
  type ScheduleState,
} from './schedule';
export { type Encoded, Seq2Seq, type TeacherForcingOptions } from './seq2seq';
export {
  type FitOptions,
  type FitResult,
  type NonFiniteReason,
  type RestoredBest,
  type StopReason,
  Trainer,
  type TrainerOptions,
  type TrainerState,
  TrainingDivergedError,
  type TrainingEvent,
} from './trainer';
export type { ResolvedTrainerOptions } from './trainer-options';
