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
}

/**
 * A labelled grid of coloured cells as SVG. Labels are text nodes (never markup), and each cell
 * carries its value in a tooltip. Column labels expose the raw token as `data-token`.
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
  // Single characters stand upright above their column; longer labels are turned to fit.
  const upright = longestColumn <= 2;
  const columnLabelHeight = upright ? 18 : 8 + 7 * longestColumn;
  const width = rowLabelWidth + columns.length * cell;
  const height = columnLabelHeight + rows.length * cell;
  return (
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
    </svg>
  );
}
