import type { TopLevelSpec } from 'vega-lite';
import { checkMatrix, type Matrix, matrixHeatmap } from './heatmap-spec';
import { DIVERGING_SCHEME, SEQUENTIAL_SCHEME } from './palettes';

/** Per gate, its activation per step: `[steps][units]` (one batch element of a cells trace). */
export type GateTrace = Record<string, Matrix>;

/** Options of `gateHeatmap`. */
export interface GateHeatmapOptions {
  title?: string;
  /** Gates to show, in order. Default: every key of the trace. */
  gates?: readonly string[];
  /** Pixels per cell. Default 14. */
  cellSize?: number;
}

/** Gates whose values are sigmoids, shown on a fixed 0–1 scale; the rest are signed. */
const SIGMOID_GATES = new Set(['input', 'forget', 'output', 'reset', 'update']);

/**
 * A trace from `@gated/cells` (`forward(x, { trace: true })`, one batch element, as arrays) as
 * stacked heatmaps, one per gate: unit × step, the input tokens along the top. Sigmoid gates use
 * a 0–1 sequential scale; the cell state, candidate and hidden state a diverging one around 0 —
 * the LSTM's "conveyor belt" is the `cellState` panel.
 */
export function gateHeatmap(
  trace: GateTrace,
  tokens: readonly string[],
  options: GateHeatmapOptions = {},
): TopLevelSpec {
  const gates = options.gates ?? Object.keys(trace);
  if (gates.length === 0) throw new Error('gateHeatmap: the trace has no gates');
  const panels = gates.map((gate) => {
    const matrix = trace[gate];
    if (!matrix)
      throw new Error(
        `gateHeatmap: no gate '${gate}' in the trace (has: ${Object.keys(trace).join(', ')})`,
      );
    checkMatrix(`gateHeatmap (${gate})`, matrix, tokens.length, matrix[0]?.length ?? 0);
    const units = matrix[0]?.length ?? 0;
    // Transposed so that time runs left to right, under the tokens.
    const transposed = Array.from({ length: units }, (_, u) =>
      Array.from({ length: tokens.length }, (_, t) => matrix[t]![u]!),
    );
    const sigmoid = SIGMOID_GATES.has(gate);
    const extent = Math.max(1e-6, ...transposed.flat().map(Math.abs));
    const {
      $schema: _,
      config: __,
      ...panel
    } = matrixHeatmap({
      matrix: transposed,
      rowLabels: Array.from({ length: units }, (_, u) => String(u)),
      columnLabels: tokens,
      rowTitle: 'unit',
      columnTitle: 'step',
      valueTitle: gate,
      scheme: sigmoid ? SEQUENTIAL_SCHEME : DIVERGING_SCHEME,
      domain: sigmoid ? [0, 1] : [-extent, extent],
      title: gate,
      cellSize: options.cellSize ?? 14,
    }) as unknown as Record<string, unknown>;
    return panel;
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: options.title } : {}),
    vconcat: panels,
    resolve: { scale: { color: 'independent' } },
    config: { axis: { labelFontSize: 11, domain: false, ticks: false } },
  } as unknown as TopLevelSpec;
}
