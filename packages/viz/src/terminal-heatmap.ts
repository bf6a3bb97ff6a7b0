import type { Matrix } from './heatmap-spec';
import { checkMatrix } from './heatmap-spec';
import { displayLabel } from './labels';
import { rampColor } from './palettes';

/** Colour mode of `renderTerminalHeatmap`: `'auto'`, 24-bit, the 256-colour palette, or none (shades only). */
export type TerminalColor = 'auto' | 'truecolor' | '256' | 'none';

/** Options of `renderTerminalHeatmap`. */
export interface TerminalHeatmapOptions {
  rowLabels?: readonly string[];
  columnLabels?: readonly string[];
  /** `'auto'` (default): none when `NO_COLOR` is set or output is not a terminal, else 24-bit or 256. */
  color?: TerminalColor;
  /** Value range of the colour scale. Default [min, max] of the matrix. */
  domain?: [number, number];
  /** Environment consulted by `'auto'`. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Whether the output is a terminal, for `'auto'`. Default `process.stdout.isTTY`. */
  isTTY?: boolean;
}

/** Light to dark, for output without colour. */
const SHADES = [' ', '░', '▒', '▓', '█'];
const RESET = '\x1b[0m';

/** Which colour mode `'auto'` means here (no-color.org: any non-empty `NO_COLOR` turns colour off). */
export function resolveTerminalColor(
  mode: TerminalColor,
  env: Readonly<Record<string, string | undefined>>,
  isTTY: boolean,
): Exclude<TerminalColor, 'auto'> {
  if (mode !== 'auto') return mode;
  if (env.NO_COLOR) return 'none';
  if (!isTTY && !env.FORCE_COLOR) return 'none';
  return /truecolor|24bit/i.test(env.COLORTERM ?? '') ? 'truecolor' : '256';
}

/** The xterm-256 colour cube index nearest to an RGB colour. */
export function xterm256(r: number, g: number, b: number): number {
  const level = (v: number) => (v < 48 ? 0 : v < 115 ? 1 : Math.floor((v - 35) / 40));
  return 16 + 36 * level(r) + 6 * level(g) + level(b);
}

/**
 * A heatmap for the terminal: two characters per cell, row labels on the left, column labels
 * on top, a legend below. Truecolor or 256-colour backgrounds (the Blues ramp: darker = larger),
 * or shade characters when colour is off. Labels are stripped of control characters.
 */
export function renderTerminalHeatmap(
  matrix: Matrix,
  options: TerminalHeatmapOptions = {},
): string {
  const rows = matrix.length;
  const columns = matrix[0]?.length ?? 0;
  const rowLabels = (options.rowLabels ?? Array.from({ length: rows }, (_, r) => String(r))).map(
    displayLabel,
  );
  const columnLabels = (
    options.columnLabels ?? Array.from({ length: columns }, (_, c) => String(c))
  ).map(displayLabel);
  if (rowLabels.length !== rows)
    throw new Error(`renderTerminalHeatmap: ${rowLabels.length} row labels for ${rows} rows`);
  if (columnLabels.length !== columns)
    throw new Error(
      `renderTerminalHeatmap: ${columnLabels.length} column labels for ${columns} columns`,
    );
  checkMatrix('renderTerminalHeatmap', matrix, rows, columns);
  const env =
    options.env ??
    (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ??
    {};
  const isTTY =
    options.isTTY ??
    Boolean((globalThis as { process?: { stdout?: { isTTY?: boolean } } }).process?.stdout?.isTTY);
  const mode = resolveTerminalColor(options.color ?? 'auto', env, isTTY);
  const flat = Array.from({ length: rows }, (_, r) => Array.from(matrix[r]!)).flat();
  const [low, high] = options.domain ?? [Math.min(...flat), Math.max(...flat)];
  const scale = (v: number) => (high > low ? (v - low) / (high - low) : 0.5);
  const cell = (v: number) => {
    const t = scale(v);
    if (mode === 'none')
      return SHADES[Math.min(SHADES.length - 1, Math.floor(t * SHADES.length))]!.repeat(2);
    const [r, g, b] = rampColor(t);
    return mode === 'truecolor'
      ? `\x1b[48;2;${r};${g};${b}m  ${RESET}`
      : `\x1b[48;5;${xterm256(r, g, b)}m  ${RESET}`;
  };
  const width = Math.max(...rowLabels.map((l) => [...l].length), 0);
  const pad = (label: string) => label + ' '.repeat(width - [...label].length);
  const header = `${' '.repeat(width)} ${columnLabels.map((l) => `${[...l].slice(0, 2).join('')} `.slice(0, 2)).join('')}`;
  const lines = [header.trimEnd()];
  for (let r = 0; r < rows; r++)
    lines.push(`${pad(rowLabels[r]!)} ${Array.from(matrix[r]!, cell).join('')}`);
  const legend =
    mode === 'none'
      ? SHADES.map((s) => s.repeat(2)).join('')
      : [0, 0.25, 0.5, 0.75, 1].map((t) => cell(low + t * (high - low))).join('');
  lines.push(`${' '.repeat(width)} ${low.toPrecision(3)} ${legend} ${high.toPrecision(3)}`);
  return `${lines.join('\n')}\n`;
}
