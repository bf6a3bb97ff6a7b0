import type { TopLevelSpec } from 'vega-lite';
import { checkMatrix, type Matrix, matrixHeatmap } from './heatmap-spec';
import { SEQUENTIAL_SCHEME } from './palettes';

/** Options of `attentionHeatmap`. */
export interface AttentionHeatmapOptions {
  title?: string;
  /** Pixels per cell. Default 22. */
  cellSize?: number;
}

/**
 * Attention weights as a heatmap (as in Bahdanau et al. 2014, Fig. 3): one row per output token,
 * one column per source token, darker = more attention, on a fixed 0–1 scale.
 *
 * @param weights `[targetTokens.length][sourceTokens.length]`, rows summing to 1
 */
export function attentionHeatmap(
  weights: Matrix,
  sourceTokens: readonly string[],
  targetTokens: readonly string[],
  options: AttentionHeatmapOptions = {},
): TopLevelSpec {
  checkMatrix('attentionHeatmap', weights, targetTokens.length, sourceTokens.length);
  return matrixHeatmap({
    matrix: weights,
    rowLabels: targetTokens,
    columnLabels: sourceTokens,
    rowTitle: 'output',
    columnTitle: 'input',
    valueTitle: 'attention',
    scheme: SEQUENTIAL_SCHEME,
    domain: [0, 1],
    title: options.title,
    cellSize: options.cellSize,
  });
}
