export {
  type KerasDirection,
  type KerasRole,
  type KerasWeightName,
  readKerasWeightName,
} from './keras-names';
export type {
  DenseActivation,
  KerasConfig,
  RecurrentClass,
} from './keras-options';
export { type KerasLayer, KerasSequential } from './keras-sequential';
export { kerasModelFromArtifacts, loadKerasModel } from './load-keras-model';
export {
  type KerasTarget,
  type LoadKerasWeightsOptions,
  loadKerasWeights,
} from './load-keras-weights';
export { type KerasModelArtifacts, type ReadShard, readModelJson } from './model-json';
