import { GRU } from '../src/gru';
import { LSTM } from '../src/lstm';
import { RNN } from '../src/rnn';
import { readFixture, type TensorJson } from './fixtures';

/** One case of torch-layers.json: a torch.nn layer, its inputs, outputs, loss and gradients. */
export interface LayerCase {
  name: string;
  kind: 'RNN' | 'LSTM' | 'GRU';
  numLayers?: number;
  bidirectional?: boolean;
  batchFirst?: boolean;
  bias?: boolean;
  projSize?: number;
  nonlinearity?: 'tanh' | 'relu';
  lengths?: number[];
  inputs: Record<'x' | 'h0' | 'c0', TensorJson | undefined>;
  stateDict: Record<string, TensorJson>;
  outputs: Record<'output' | 'hN' | 'cN', TensorJson | undefined>;
  lossWeights: Record<'output' | 'hN' | 'cN', TensorJson | undefined>;
  loss: number;
  grads: Record<string, TensorJson>;
}

export const { cases: layerCases, sizes: layerSizes } = readFixture<{
  cases: LayerCase[];
  sizes: { input: number; hidden: number };
}>('torch-layers.json');

/** The case's layer with the fixture's sizes (its weights still to be loaded). */
export function buildLayer(c: LayerCase): RNN | LSTM | GRU {
  const options = {
    inputSize: layerSizes.input,
    hiddenSize: layerSizes.hidden,
    numLayers: c.numLayers,
    bias: c.bias,
    batchFirst: c.batchFirst,
    bidirectional: c.bidirectional,
    seed: 42,
  };
  if (c.kind === 'LSTM') return new LSTM({ ...options, projSize: c.projSize });
  if (c.kind === 'GRU') return new GRU(options);
  return new RNN({ ...options, nonlinearity: c.nonlinearity });
}
