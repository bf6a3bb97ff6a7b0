import { displayLabel } from '@gated/viz';
import { colorOf, type Palette } from './colors';

export interface HeatmapProps {
  /** Accessible name of the figure. */
  title: string;
  /** Column labels (x axis), one per column of `values`. */
  columns: readonly string[];
  /** Row labels (y axis), one per row of `values`. */
  rows: readonly string[];
  /** `values[row][column]`. */
  values: readonly (readonly number[])[];
  palette?: Palette;
  /** Colour range; defaults to the data's (symmetric around 0 for `diverging`). */
  domain?: readonly [number, number];
  cellSize?: number;
  testId?: string;
  /** What the colour means, under the colour legend (e.g. `attention weight α`). */
  legend?: string;
  /** A row to outline (the decoder step being explained). */
  highlightRow?: number;
}

/**
 * A labelled grid of coloured cells as SVG, with a colour legend below it. Labels are text nodes
 * (never markup), and each cell carries its value in a tooltip. Column labels expose the raw
 * token as `data-token`. A grid wider than the page scrolls inside its own box.
 */
export function Heatmap(props: HeatmapProps) {
  const { columns, rows, values, palette = 'sequential' } = props;
  const cell = props.cellSize ?? 18;
  const flat = values.flat();
  let [min, max] = props.domain ?? [Math.min(...flat), Math.max(...flat)];
  if (!props.domain && palette === 'diverging') {
    const extent = Math.max(Math.abs(min), Math.abs(max)) || 1;
    [min, max] = [-extent, extent];
  }
  const rowLabelWidth = 8 + 8 * Math.max(1, ...rows.map((r) => displayLabel(r).length));
  const longestColumn = Math.max(1, ...columns.map((c) => displayLabel(c).length));
  // Labels that fit their cell stand upright above their column; longer ones are turned to fit.
  const upright = 7 * longestColumn + 3 <= cell;
  const columnLabelHeight = upright ? 18 : 8 + 7 * longestColumn;
  const width = rowLabelWidth + columns.length * cell;
  const height = columnLabelHeight + rows.length * cell;
  return (
    <figure class="heatmap-figure">
      <div class="scroll-x">
        <svg
          class="heatmap"
          role="img"
          aria-label={props.title}
          data-testid={props.testId}
          width={width}
          height={height}
          viewBox={`0 0 ${width} ${height}`}
        >
          <title>{props.title}</title>
          {columns.map((token, c) => (
            <text
              key={`c${c}`}
              data-axis="x"
              data-token={token}
              transform={
                upright
                  ? `translate(${rowLabelWidth + c * cell + cell / 2}, ${columnLabelHeight - 5})`
                  : `translate(${rowLabelWidth + c * cell + cell / 2 + 4}, ${columnLabelHeight - 4}) rotate(-90)`
              }
              text-anchor={upright ? 'middle' : 'start'}
              class="axis-label"
            >
              {displayLabel(token)}
            </text>
          ))}
          {rows.map((token, r) => (
            <text
              key={`r${r}`}
              data-axis="y"
              data-token={token}
              x={rowLabelWidth - 4}
              y={columnLabelHeight + r * cell + cell / 2 + 4}
              text-anchor="end"
              class="axis-label"
            >
              {displayLabel(token)}
            </text>
          ))}
          {values.map((row, r) =>
            row.map((value, c) => (
              <rect
                key={`${r}-${c}`}
                x={rowLabelWidth + c * cell}
                y={columnLabelHeight + r * cell}
                width={cell - 1}
                height={cell - 1}
                fill={colorOf(value, min, max, palette)}
              >
                <title>{`${displayLabel(rows[r] ?? '')} × ${displayLabel(columns[c] ?? '')}: ${value.toFixed(3)}`}</title>
              </rect>
            )),
          )}
          {props.highlightRow !== undefined && props.highlightRow < rows.length && (
            <path
              class="row-highlight"
              d={`M${rowLabelWidth - 1} ${columnLabelHeight + props.highlightRow * cell - 1}h${columns.length * cell + 1}v${cell + 1}h${-(columns.length * cell + 1)}Z`}
            />
          )}
        </svg>
      </div>
      <ColorLegend
        min={min}
        max={max}
        palette={palette}
        label={props.legend}
        testId={props.testId}
      />
    </figure>
  );
}

/** A colour bar from `min` to `max` with its ends (and 0 on a diverging scale) labelled. */
export function ColorLegend(props: {
  min: number;
  max: number;
  palette: Palette;
  label?: string;
  testId?: string;
}) {
  const { min, max, palette } = props;
  const stops = Array.from({ length: 11 }, (_, i) => {
    const value = min + ((max - min) * i) / 10;
    return `${colorOf(value, min, max, palette)} ${i * 10}%`;
  });
  const number = (v: number) => (Math.abs(v) >= 100 || v === 0 ? v.toFixed(0) : v.toPrecision(2));
  return (
    <div class="color-legend" data-testid={props.testId ? `${props.testId}-legend` : undefined}>
      <span class="legend-end">{number(min)}</span>
      <span
        class="legend-bar"
        style={{ background: `linear-gradient(to right, ${stops.join(', ')})` }}
      />
      <span class="legend-end">{number(max)}</span>
      {palette === 'diverging' && <span class="note">(grey = 0)</span>}
      {props.label && <span class="note">{props.label}</span>}
    </div>
  );
}
