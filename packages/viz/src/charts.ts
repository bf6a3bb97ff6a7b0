import type { TopLevelSpec } from 'vega-lite';
import { OKABE_ITO } from './palettes';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** One line of a `lineChart`: its name in the legend and its points. */
export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** Options of `lineChart`. */
export interface LineChartOptions {
  series: readonly Series[];
  xTitle: string;
  yTitle: string;
  title?: string;
  /** Logarithmic axes (values ≤ 0 are dropped from a log axis). */
  logX?: boolean;
  logY?: boolean;
  /** Draw a point at each measurement. Default true. */
  points?: boolean;
  width?: number;
  height?: number;
}

/** One line per series, coloured from the Okabe–Ito palette — for experiment results. */
export function lineChart(options: LineChartOptions): TopLevelSpec {
  const values: Array<{ series: string; x: number; y: number }> = [];
  for (const { name, x, y } of options.series) {
    if (x.length !== y.length)
      throw new Error(
        `lineChart: series '${name}' has ${x.length} x values and ${y.length} y values`,
      );
    for (let i = 0; i < x.length; i++) {
      if (
        (options.logX && !(x[i]! > 0)) ||
        (options.logY && !(y[i]! > 0)) ||
        !Number.isFinite(y[i]!)
      )
        continue;
      values.push({ series: name, x: x[i]!, y: y[i]! });
    }
  }
  return {
    $schema: SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? 360,
    height: options.height ?? 220,
    data: { values },
    mark: { type: 'line', point: options.points ?? true },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: options.xTitle,
        scale: options.logX ? { type: 'log' } : { zero: false },
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: options.yTitle,
        scale: options.logY ? { type: 'log' } : {},
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        legend: { labelLimit: 320 }, // series names are sentences, not codes
        scale: { range: OKABE_ITO },
        sort: options.series.map((s) => s.name),
      },
      tooltip: [
        { field: 'series' },
        { field: 'x', title: options.xTitle },
        { field: 'y', title: options.yTitle, format: '.4g' },
      ],
    },
  } as TopLevelSpec;
}

/** A training history: one record per evaluation, `step` plus any numeric metrics. */
export type TrainingHistory = ReadonlyArray<Readonly<Record<string, number>>>;

/**
 * Training and validation curves against `step`: losses on one chart, other metrics (exact
 * match, accuracy…) on a second, side by side.
 */
export function trainingCurves(
  history: TrainingHistory,
  options: { title?: string; logLoss?: boolean } = {},
): TopLevelSpec {
  if (history.length === 0) throw new Error('trainingCurves: the history is empty');
  const names = [...new Set(history.flatMap((record) => Object.keys(record)))].filter(
    (k) => k !== 'step',
  );
  const series = (keys: string[]) =>
    keys.map((name) => {
      const records = history.filter((r) => Number.isFinite(r[name]) && Number.isFinite(r.step));
      return { name, x: records.map((r) => r.step!), y: records.map((r) => r[name]!) };
    });
  const losses = names.filter((n) => /loss/i.test(n));
  const metrics = names.filter((n) => !/loss/i.test(n));
  const charts = [
    losses.length > 0
      ? lineChart({
          series: series(losses),
          xTitle: 'step',
          yTitle: 'loss',
          logY: options.logLoss,
          points: false,
        })
      : undefined,
    metrics.length > 0
      ? lineChart({ series: series(metrics), xTitle: 'step', yTitle: 'metric', points: false })
      : undefined,
  ].filter((c) => c !== undefined);
  return {
    $schema: SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    hconcat: charts.map(({ $schema: _, ...chart }) => chart),
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
}

/** One bar of a `barChart`. */
export interface Bar {
  label: string;
  value: number;
  /** Bars of one group share a colour; groups are compared within each label. */
  group?: string;
}

/** Bars, grouped by colour when `group` is set — for comparing peers or configurations. */
export function barChart(options: {
  bars: readonly Bar[];
  xTitle?: string;
  yTitle: string;
  title?: string;
  logY?: boolean;
}): TopLevelSpec {
  const grouped = options.bars.some((b) => b.group !== undefined);
  return {
    $schema: SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    data: {
      values: options.bars.map((b) => ({ label: b.label, value: b.value, group: b.group ?? '' })),
    },
    mark: { type: 'bar' },
    encoding: {
      x: {
        field: 'label',
        type: 'nominal',
        title: options.xTitle ?? null,
        sort: null,
        axis: { labelAngle: 0 },
      },
      y: {
        field: 'value',
        type: 'quantitative',
        title: options.yTitle,
        scale: options.logY ? { type: 'log' } : {},
      },
      ...(grouped
        ? {
            xOffset: { field: 'group' },
            color: { field: 'group', title: null, scale: { range: OKABE_ITO } },
          }
        : { color: { value: OKABE_ITO[0] } }),
      tooltip: [
        { field: 'label' },
        ...(grouped ? [{ field: 'group' }] : []),
        { field: 'value', format: '.4g' },
      ],
    },
  } as TopLevelSpec;
}
