import type { TopLevelSpec } from 'vega-lite';
import { labelExpression } from './labels';

/** A matrix as rows of numbers: `number[][]` or typed-array rows. */
export type Matrix = ArrayLike<ArrayLike<number>>;

export interface MatrixHeatmapOptions {
  matrix: Matrix;
  rowLabels: readonly string[];
  columnLabels: readonly string[];
  rowTitle: string;
  columnTitle: string;
  valueTitle: string;
  scheme: string;
  /** Colour domain; default [min, max] of the data. */
  domain?: [number, number];
  title?: string;
  /** Pixels per cell. Default 22. */
  cellSize?: number;
}

/** Checks a matrix against its labels, naming the first mismatch. */
export function checkMatrix(where: string, matrix: Matrix, rows: number, columns: number): void {
  if (matrix.length !== rows)
    throw new Error(`${where}: expected ${rows} rows (one per row label), got ${matrix.length}`);
  for (let r = 0; r < matrix.length; r++) {
    if (matrix[r]!.length !== columns)
      throw new Error(
        `${where}: row ${r} has ${matrix[r]!.length} values, expected ${columns} (one per column label)`,
      );
  }
}

/** One rect per matrix cell; rows and columns are indices, labelled through label expressions. */
export function matrixHeatmap(options: MatrixHeatmapOptions): TopLevelSpec {
  const { matrix, rowLabels, columnLabels } = options;
  const values: Array<{
    row: number;
    column: number;
    value: number;
    rowLabel: string;
    columnLabel: string;
  }> = [];
  for (let r = 0; r < matrix.length; r++) {
    for (let c = 0; c < matrix[r]!.length; c++) {
      values.push({
        row: r,
        column: c,
        value: matrix[r]![c]!,
        rowLabel: rowLabels[r]!,
        columnLabel: columnLabels[c]!,
      });
    }
  }
  const step = options.cellSize ?? 22;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: options.title } : {}),
    data: { values },
    mark: { type: 'rect' },
    width: { step },
    height: { step },
    encoding: {
      x: {
        field: 'column',
        type: 'ordinal',
        title: options.columnTitle,
        axis: { labelExpr: labelExpression(columnLabels), labelAngle: 0, orient: 'top' },
      },
      y: {
        field: 'row',
        type: 'ordinal',
        title: options.rowTitle,
        axis: { labelExpr: labelExpression(rowLabels) },
      },
      color: {
        field: 'value',
        type: 'quantitative',
        title: options.valueTitle,
        scale: { scheme: options.scheme, ...(options.domain ? { domain: options.domain } : {}) },
      },
      tooltip: [
        { field: 'rowLabel', title: options.rowTitle },
        { field: 'columnLabel', title: options.columnTitle },
        { field: 'value', title: options.valueTitle, format: '.3f' },
      ],
    },
    config: { axis: { labelFontSize: 12, domain: false, ticks: false } },
  } as TopLevelSpec;
}
