import { describe, expect, it } from 'vitest';
import { renderTerminalHeatmap, resolveTerminalColor, xterm256 } from './terminal-heatmap';

const matrix = [
  [0, 0.25, 0.5, 1],
  [1, 0.75, 0.5, 0],
  [0.5, 0.5, 0.5, 0.5],
];
const labels = { rowLabels: ['x', 'yy', 'z'], columnLabels: ['a', 'b', ' ', '\x1b[31m'] };

describe('renderTerminalHeatmap on a 3×4 matrix', () => {
  it('without colour (NO_COLOR): shade characters, labels, legend', () => {
    const text = renderTerminalHeatmap(matrix, {
      ...labels,
      env: { NO_COLOR: '1', COLORTERM: 'truecolor' },
      isTTY: true,
    });
    expect(text).toBe(
      [
        '   a b ␣ [3',
        'x    ░░▒▒██',
        'yy ██▓▓▒▒  ',
        'z  ▒▒▒▒▒▒▒▒',
        '   0.00   ░░▒▒▓▓██ 1.00',
        '',
      ].join('\n'),
    );
    expect(text).not.toContain('\x1b');
  });

  it('in truecolor: one 24-bit background per cell, darkest for the largest value', () => {
    const text = renderTerminalHeatmap(matrix, { ...labels, color: 'truecolor' });
    const rows = text.split('\n');
    const cellsOf = (line: string) =>
      [...line.matchAll(/\x1b\[48;2;(\d+);(\d+);(\d+)m {2}\x1b\[0m/g)].map((m) =>
        m.slice(1).map(Number),
      );
    expect(cellsOf(rows[1]!)).toEqual([
      [247, 251, 255],
      [198, 219, 239],
      [107, 174, 214],
      [8, 48, 107],
    ]);
    expect(cellsOf(rows[3]!)).toEqual(Array(4).fill([107, 174, 214])); // 0.5 everywhere
    expect(rows[0]).toBe('   a b ␣ [3'); // a label cannot inject escape sequences
  });

  it('in 256 colours: xterm cube indices', () => {
    const text = renderTerminalHeatmap([[0, 1]], { color: '256' });
    expect([...text.matchAll(/\x1b\[48;5;(\d+)m/g)].slice(0, 2).map((m) => Number(m[1]))).toEqual([
      xterm256(247, 251, 255),
      xterm256(8, 48, 107),
    ]);
    expect(xterm256(0, 0, 0)).toBe(16);
    expect(xterm256(255, 255, 255)).toBe(231);
  });

  it('chooses the mode from the environment', () => {
    expect(resolveTerminalColor('auto', { NO_COLOR: '1', COLORTERM: 'truecolor' }, true)).toBe(
      'none',
    );
    expect(resolveTerminalColor('auto', { COLORTERM: 'truecolor' }, true)).toBe('truecolor');
    expect(resolveTerminalColor('auto', {}, true)).toBe('256');
    expect(resolveTerminalColor('auto', {}, false)).toBe('none');
    expect(resolveTerminalColor('truecolor', { NO_COLOR: '1' }, false)).toBe('truecolor');
  });
});
