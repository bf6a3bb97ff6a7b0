import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/leaks';
import { gradientNormsByDistance } from './gradient-norms';

describe('gradientNormsByDistance', () => {
  it('falls with distance, fastest in the plain RNN, leaving no tensors', () => {
    const at = (kind: 'rnn' | 'lstm' | 'gru') =>
      expectNoLeaks(() => gradientNormsByDistance(kind, { length: 31, seed: 5, batch: 4 }));
    const norms = { rnn: at('rnn'), lstm: at('lstm'), gru: at('gru') };
    for (const name of ['rnn', 'lstm', 'gru'] as const) {
      expect(norms[name]).toHaveLength(31);
      expect(norms[name][30]!).toBeLessThan(norms[name][0]! * 1e-2);
    }
    expect(norms.rnn[30]! / norms.rnn[0]!).toBeLessThan(norms.lstm[30]! / norms.lstm[0]!);
  });
});
