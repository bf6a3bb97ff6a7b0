import { GRU, LSTM, type RecurrentLayerOptions, RNN } from '@gated/cells';
import type { CellKind } from './config';

/** The recurrent layer for a cell kind, batch-first, as the encoder and decoder use it. */
export type AnyRecurrent = LSTM | GRU | RNN;

export function makeRecurrent(
  kind: CellKind,
  options: Omit<RecurrentLayerOptions, 'batchFirst'>,
): AnyRecurrent {
  const batchFirst = { ...options, batchFirst: true };
  if (kind === 'lstm') return new LSTM(batchFirst);
  if (kind === 'gru') return new GRU(batchFirst);
  return new RNN(batchFirst);
}
