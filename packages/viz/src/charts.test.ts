import { describe, expect, it } from 'vitest';
import { barChart, lineChart, trainingCurves } from './charts';
import { gateHeatmap } from './gate-heatmap';
import { renderSvg } from './render-svg';

const marks = (svg: string, role: string) =>
  (svg.match(new RegExp(`aria-roledescription="${role}"`, 'g')) ?? []).length;

describe('gateHeatmap', () => {
  const tokens = ['K', 'x', 'x', '?'];
  const trace = {
    forget: [
      [0.9, 0.1, 0.5],
      [0.8, 0.2, 0.5],
      [0.95, 0.3, 0.5],
      [0.9, 0.9, 0.5],
    ],
    cellState: [
      [1.5, -0.2, 0],
      [1.4, -0.1, 0],
      [1.3, 0, 0],
      [1.2, 0.4, 0],
    ],
  };

  it('draws one panel per gate, unit × step, with the tokens along the top', async () => {
    const spec = gateHeatmap(trace, tokens) as {
      vconcat: Array<{
        title: string;
        encoding: { color: { scale: { scheme: string; domain: number[] } } };
      }>;
    };
    expect(spec.vconcat.map((p) => p.title)).toEqual(['forget', 'cellState']);
    expect(spec.vconcat[0]!.encoding.color.scale).toEqual({ scheme: 'blues', domain: [0, 1] });
    expect(spec.vconcat[1]!.encoding.color.scale).toEqual({
      scheme: 'blueorange',
      domain: [-1.5, 1.5],
    });
    const svg = await renderSvg(spec as never);
    expect(marks(svg, 'rect mark')).toBe(2 * 4 * 3);
    for (const label of ['K', 'x', '?']) expect(svg).toContain(`>${label}</text>`);
  });

  it('refuses a gate that is not in the trace, or steps that do not match the tokens', () => {
    expect(() => gateHeatmap(trace, tokens, { gates: ['input'] })).toThrow(
      "gateHeatmap: no gate 'input' in the trace (has: forget, cellState)",
    );
    expect(() => gateHeatmap(trace, ['K'])).toThrow(
      'gateHeatmap (forget): expected 1 rows (one per row label), got 4',
    );
  });
});

describe('charts', () => {
  it('lineChart: one line per series; log axes drop values ≤ 0', async () => {
    const spec = lineChart({
      series: [
        { name: 'RNN', x: [1, 10, 100], y: [1, 1e-3, 1e-9] },
        { name: 'LSTM', x: [1, 10, 100], y: [1, 0.5, 0] },
      ],
      xTitle: 'distance',
      yTitle: '‖∂L/∂x_t‖',
      logY: true,
    }) as { data: { values: unknown[] } };
    expect(spec.data.values).toHaveLength(5);
    const svg = await renderSvg(spec as never);
    expect(marks(svg, 'line mark')).toBe(2);
    expect(svg).toContain('>LSTM</text>');
    expect(() =>
      lineChart({ series: [{ name: 'bad', x: [1, 2], y: [1] }], xTitle: 'x', yTitle: 'y' }),
    ).toThrow("lineChart: series 'bad' has 2 x values and 1 y values");
  });

  it('trainingCurves: losses and other metrics side by side', async () => {
    const spec = trainingCurves([
      { step: 100, loss: 2.1, validationLoss: 2.3, exactMatch: 0.1 },
      { step: 200, loss: 1.2, validationLoss: 1.5, exactMatch: 0.4 },
    ]) as { hconcat: Array<{ data: { values: Array<{ series: string }> } }> };
    expect(spec.hconcat).toHaveLength(2);
    expect(new Set(spec.hconcat[0]!.data.values.map((v) => v.series))).toEqual(
      new Set(['loss', 'validationLoss']),
    );
    expect(new Set(spec.hconcat[1]!.data.values.map((v) => v.series))).toEqual(
      new Set(['exactMatch']),
    );
    expect(marks(await renderSvg(spec as never), 'line mark')).toBe(3);
    expect(() => trainingCurves([])).toThrow('trainingCurves: the history is empty');
  });

  it('barChart: grouped bars in Okabe–Ito colours', async () => {
    const svg = await renderSvg(
      barChart({
        bars: [
          { label: 'LSTM', value: 12, group: 'gated' },
          { label: 'LSTM', value: 80, group: 'tf.layers' },
          { label: 'GRU', value: 10, group: 'gated' },
        ],
        yTitle: 'ms / step',
      }),
    );
    expect(marks(svg, 'bar')).toBe(3);
    expect(svg.toLowerCase()).toContain('#0072b2');
  });
});
