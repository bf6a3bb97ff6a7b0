export type { TopLevelSpec } from 'vega-lite';
export { type AttentionHeatmapOptions, attentionHeatmap } from './attention-heatmap';
export {
  type Bar,
  barChart,
  type LineChartOptions,
  lineChart,
  type Series,
  type TrainingHistory,
  trainingCurves,
} from './charts';
export { type GateHeatmapOptions, type GateTrace, gateHeatmap } from './gate-heatmap';
export type { Matrix } from './heatmap-spec';
export { displayLabel } from './labels';
export { BLUES_RAMP, DIVERGING_SCHEME, OKABE_ITO, rampColor, SEQUENTIAL_SCHEME } from './palettes';
export { embedChart, renderSvg } from './render-svg';
export {
  renderTerminalHeatmap,
  resolveTerminalColor,
  type TerminalColor,
  type TerminalHeatmapOptions,
  xterm256,
} from './terminal-heatmap';
