export { ensureGradients } from '@gated/gradients';
export { assertShape, type ExpectedDim, formatShape, shapeMatches } from './assert-shape';
export { GRUCell, LSTMCell, RNNCell, type RNNCellOptions } from './cells';
export { Embedding, type EmbeddingOptions } from './embedding';
export {
  chooseEngine,
  type EngineChoice,
  recurrenceEngineNames,
  registerRecurrenceEngine,
} from './engine-registry';
export { linearProduct } from './fast-matmul';
export { fusedEngine } from './fused-engine';
export type {
  AttentionDecoderStepCall,
  AttentionDecoderStepResult,
  AttentionLSTMDecoder,
  GreedyAttentionDecodeCall,
  GreedyAttentionDecodeResult,
} from './greedy-decode-call';
export { GRU, type GRUOptions, type GRUOutput } from './gru';
export type { GRUGate } from './gru-step';
export { Linear, type LinearOptions } from './linear';
export {
  LSTM,
  type LSTMForwardOptions,
  type LSTMOptions,
  type LSTMOutput,
  type LSTMStepOutput,
} from './lstm';
export type { LSTMGate } from './lstm-step';
export {
  type AdditiveAttentionCall,
  acceleratedAdditiveAttention,
  acceleratedAttentionDecoderStep,
  acceleratedGreedyAttentionDecode,
  gatherRows,
  type MatrixProducts,
  type ProductOptions,
  setMatrixProducts,
} from './matrix-product';
export { type LoadStateDictOptions, type LoadStateDictResult, Module } from './module';
export type { Lengths } from './packed-sequence';
export type {
  DirectionWeights,
  RecurrenceEngine,
  RecurrenceInputs,
  RecurrenceKind,
  RecurrenceRun,
  RecurrenceSpec,
} from './recurrence-engine';
export { GATE_COUNT, splitBiases } from './recurrence-kinds';
export type { RecurrentCellOptions } from './recurrent-cell';
export type { RecurrentLayer } from './recurrent-layer';
export type {
  RecurrentForwardOptions,
  RecurrentLayerOptions,
  RecurrentState,
  RecurrentStepOptions,
  RecurrentStepOutput,
  RecurrentTrace,
} from './recurrent-options';
export type { CellState } from './recurrent-step';
export { referenceEngine } from './reference-engine';
export { RNN, type RNNOptions, type RNNOutput } from './rnn';
export type { Nonlinearity } from './rnn-step';
export {
  decodeSafetensors,
  type EncodeSafetensorsOptions,
  encodeSafetensors,
  readSafetensorsMetadata,
} from './safetensors';
export { MAX_HEADER_BYTES, type SafetensorsDtype } from './safetensors-format';
export { freshSeed, type RandomSource, seededRandom, uniformValues } from './seeded-random';
export { transposedWeight, withTransposedWeights } from './transposed-weights';
export { unstackFirst } from './unstack';
