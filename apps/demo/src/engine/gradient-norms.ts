import { GRU, LSTM, RNN } from '@gated/cells';
import { gradientNormsByDistance, type RecurrentKind } from '@gated/models';
import type { GradientNorms, ParameterCounts } from './protocol';

/** The demo's chart: RNN, LSTM and GRU at `length` steps (input 8, hidden 32, batch 4, seed 5). */
export function gradientNorms(length: number): GradientNorms {
  const at = (kind: RecurrentKind) => gradientNormsByDistance(kind, { length, seed: 5, batch: 4 });
  return {
    distances: Array.from({ length }, (_, d) => d),
    rnn: at('rnn'),
    lstm: at('lstm'),
    gru: at('gru'),
  };
}

/** Parameters of one RNN, LSTM and GRU layer of the given sizes, counted from real layers. */
export function countParameters(inputSize: number, hiddenSize: number): ParameterCounts {
  for (const [name, value] of [
    ['inputSize', inputSize],
    ['hiddenSize', hiddenSize],
  ] as const)
    if (!Number.isInteger(value) || value < 1 || value > 512)
      throw new Error(`${name} must be an integer from 1 to 512, got ${value}`);
  const options = { inputSize, hiddenSize, seed: 1 };
  const layers = [new RNN(options), new LSTM(options), new GRU(options)] as const;
  const [rnn, lstm, gru] = layers.map((layer) => layer.numParameters()) as [number, number, number];
  for (const layer of layers) layer.dispose();
  return { rnn, lstm, gru };
}
