export { assertShape, type ExpectedDim, formatShape, shapeMatches } from './assert-shape';
export { GRUCell, LSTMCell, RNNCell, type RNNCellOptions } from './cells';
export { Embedding, type EmbeddingOptions } from './embedding';
export { linearProduct, linearWithBias, recurrentProduct } from './fast-matmul';
export { GRU, type GRUOptions, type GRUOutput } from './gru';
export type { GRUGate } from './gru-step';
export { Linear, type LinearOptions } from './linear';
export { LSTM, type LSTMForwardOptions, type LSTMOptions, type LSTMOutput } from './lstm';
export type { LSTMGate } from './lstm-step';
export { type LoadStateDictOptions, type LoadStateDictResult, Module } from './module';
export type { Lengths } from './packed-sequence';
export type { RecurrentCellOptions } from './recurrent-cell';
export type {
  RecurrentForwardOptions,
  RecurrentLayer,
  RecurrentLayerOptions,
  RecurrentTrace,
} from './recurrent-layer';
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
export { wasmRecurrenceAvailable } from './wasm-recurrence';
