export interface LineSeries {
  name: string;
  color: string;
  /** Drawn dashed (e.g. the untrained twin of a solid series). */
  dashed?: boolean;
  points: ReadonlyArray<readonly [number, number]>;
}

export interface LineChartProps {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  /** Logarithmic y axis (values ≤ 0 are left out). */
  logY?: boolean;
  /** Fixed y range (linear axes). */
  yDomain?: readonly [number, number];
  width?: number;
  height?: number;
  testId?: string;
  /** A dashed horizontal line to read the series against, e.g. chance accuracy. */
  reference?: { y: number; label: string };
}

const MARGIN = { left: 56, right: 12, top: 12, bottom: 40 };

function ticks(low: number, high: number, count: number): number[] {
  if (!(high > low)) return [low];
  const step = 10 ** Math.floor(Math.log10((high - low) / count));
  const nice =
    [1, 2, 5, 10].map((m) => m * step).find((s) => (high - low) / s <= count) ?? step * 10;
  const out: number[] = [];
  for (let v = Math.ceil(low / nice) * nice; v <= high + 1e-12; v += nice)
    out.push(Number(v.toPrecision(6)));
  return out;
}

function format(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e4 || magnitude < 1e-2 ? value.toExponential(0) : String(value);
}

/** Lines on linear or log-y axes as SVG, with a legend; for loss curves and gradient norms. */
export function LineChart(props: LineChartProps) {
  const width = props.width ?? 420;
  const height = props.height ?? 220;
  const transformY = props.logY ? Math.log10 : (v: number) => v;
  const visible = props.series.map((s) => ({
    ...s,
    points: s.points.filter(
      ([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!props.logY || y > 0),
    ),
  }));
  const xs = visible.flatMap((s) => s.points.map(([x]) => x));
  const ys = visible.flatMap((s) => s.points.map(([, y]) => transformY(y)));
  const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let [y0, y1] = props.yDomain ?? (ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1]);
  if (props.logY) [y0, y1] = [Math.floor(y0), Math.ceil(y1)];
  if (y1 === y0) y1 = y0 + 1;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + (x1 === x0 ? 0 : ((x - x0) / (x1 - x0)) * plotW);
  const sy = (y: number) => MARGIN.top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const decadeStep = Math.max(1, Math.ceil((y1 - y0) / 6));
  const yTicks = props.logY
    ? Array.from({ length: Math.floor((y1 - y0) / decadeStep) + 1 }, (_, i) => y0 + i * decadeStep)
    : ticks(y0, y1, 5);
  return (
    <figure
      class="chart"
      data-testid={props.testId}
      data-series={JSON.stringify(
        props.series.map((s) => ({
          name: s.name,
          count: s.points.length,
          first: s.points[0]?.[1],
          last: s.points.at(-1)?.[1],
        })),
      )}
    >
      <svg
        role="img"
        aria-label={props.title}
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
      >
        <title>{props.title}</title>
        <rect x={MARGIN.left} y={MARGIN.top} width={plotW} height={plotH} class="plot-area" />
        {yTicks.map((t) => (
          <g key={`y${t}`}>
            <line x1={MARGIN.left} x2={MARGIN.left + plotW} y1={sy(t)} y2={sy(t)} class="grid" />
            <text x={MARGIN.left - 6} y={sy(t) + 4} text-anchor="end" class="tick">
              {props.logY ? `1e${t}` : format(t)}
            </text>
          </g>
        ))}
        {ticks(x0, x1, 6).map((t) => (
          <text
            key={`x${t}`}
            x={sx(t)}
            y={MARGIN.top + plotH + 16}
            text-anchor="middle"
            class="tick"
          >
            {format(t)}
          </text>
        ))}
        <text x={MARGIN.left + plotW / 2} y={height - 4} text-anchor="middle" class="axis-title">
          {props.xLabel}
        </text>
        <text
          transform={`translate(12, ${MARGIN.top + plotH / 2}) rotate(-90)`}
          text-anchor="middle"
          class="axis-title"
        >
          {props.yLabel}
        </text>
        {props.reference && (
          <g
            class="reference-line"
            data-testid={props.testId ? `${props.testId}-reference` : undefined}
            data-y={props.reference.y}
          >
            <line
              x1={MARGIN.left}
              x2={MARGIN.left + plotW}
              y1={sy(transformY(props.reference.y))}
              y2={sy(transformY(props.reference.y))}
            />
            <text
              x={MARGIN.left + plotW - 4}
              y={sy(transformY(props.reference.y)) - 4}
              text-anchor="end"
              class="tick"
            >
              {props.reference.label}
            </text>
          </g>
        )}
        {visible.map((s) => (
          <polyline
            key={s.name}
            fill="none"
            stroke={s.color}
            stroke-width={2}
            stroke-dasharray={s.dashed ? '6 4' : undefined}
            points={s.points
              .map(([x, y]) => `${sx(x).toFixed(1)},${sy(transformY(y)).toFixed(1)}`)
              .join(' ')}
          />
        ))}
      </svg>
      <figcaption class="legend">
        {props.series.map((s) => (
          <span key={s.name}>
            <span
              class={`swatch${s.dashed ? ' dashed' : ''}`}
              style={s.dashed ? { borderColor: s.color } : { background: s.color }}
              aria-hidden="true"
            />
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
