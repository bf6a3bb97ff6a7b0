import { describe, expect, it } from 'vitest';
import { bottleneckVerdicts, vanishingVerdict } from './verdicts';

describe('verdicts follow the data', () => {
  it('bottleneck: says the shape is there only when the numbers show it', () => {
    const lengths = [5, 6, 7, 8, 9, 10, 11];
    const shown = bottleneckVerdicts(
      lengths,
      [1, 1, 1, 1, 1, 1, 1],
      [0.9, 0.8, 0.6, 0.4, 0.2, 0.1, 0],
      [1, 1, 0.9, 0.8, 0.6, 0.4, 0.2],
    );
    expect(shown.verdict).toContain(
      'The fixed-vector model falls with length while attention holds',
    );
    expect(shown.verdict).toContain(
      'The fixed vector falls below 50% at length 8; attention stays at or above 50% up to length 11',
    );
    expect(shown.reversalVerdict).toContain('reversal helps');
    const absent = bottleneckVerdicts(
      lengths,
      [1, 1, 1, 0.5, 0.3, 0.2, 0.1],
      [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9],
      [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
    );
    expect(absent.verdict).toContain('does not show here');
    expect(absent.reversalVerdict).toContain('reversal hurts');
  });

  it('vanishing gradients: rates per 10 steps, and underflow reported', () => {
    const d = [0, 1, 2, 3];
    const text = vanishingVerdict(
      d,
      [1, 1e-2, 1e-4, 0],
      [1, 1e-1, 1e-2, 1e-3],
      [1, 0.5, 0.25, 0.125],
    );
    expect(text).toContain(
      'Over distances 0–2, the gradient loses 20.00 orders of magnitude per 10 steps for the RNN, 10.00 for the LSTM',
    );
    expect(text).toContain("the RNN's is exactly 0 in float32 from distance 3");
    expect(text).toContain('The plain RNN loses its gradient fastest');
    expect(
      vanishingVerdict(d, [1, 0.9, 0.8, 0.7], [1, 0.1, 0.01, 0.001], [1, 0.5, 0.25, 0.1]),
    ).toContain('the LSTM loses its gradient fastest');
  });
});
