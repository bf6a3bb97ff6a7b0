import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { attentionHeatmap } from './attention-heatmap';
import { svgToPng } from './node';
import { renderSvg } from './render-svg';

const source = ['J', 'u', 'n', 'e', ' ', '5'];
const target = ['2', '0', '-', '0', '6'];
const weights = target.map((_, r) =>
  source.map((_, c) => (c === r ? 0.75 : 0.25 / (source.length - 1))),
);

/** The rect marks' `M x,y` corners, with the cell's data in its aria-label. */
function cells(svg: string): Array<{ x: number; y: number; label: string; fill: string }> {
  const group = svg.slice(svg.indexOf('class="mark-rect role-mark marks"'));
  const marks = group.slice(0, group.indexOf('</g>'));
  return [
    ...marks.matchAll(
      /<path aria-label="([^"]*)"[^>]* d="M([\d.]+),([\d.]+)h[^"]*" fill="([^"]+)"/g,
    ),
  ].map((m) => ({
    label: m[1]!,
    x: Number(m[2]),
    y: Number(m[3]),
    fill: m[4]!,
  }));
}

describe('attentionHeatmap', () => {
  it('renders every source and target token as a label and one cell per weight', async () => {
    const svg = await renderSvg(attentionHeatmap(weights, source, target));
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const token of [...source.filter((t) => t !== ' '), '␣', ...target])
      expect(texts).toContain(token);
    expect(cells(svg)).toHaveLength(source.length * target.length);
  });

  it('escapes hostile labels', async () => {
    const hostile = ['<script>alert(1)</script>', '"quoted"', 'a & b', "it's"];
    const svg = await renderSvg(attentionHeatmap([[0.1, 0.2, 0.3, 0.4]], hostile, ['&']));
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;'); // long labels are cut with …
    expect(svg).toContain('a &amp; b');
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(texts).toContain('&amp;');
    expect(texts.some((t) => t?.includes('quoted'))).toBe(true);
  });

  it('refuses a matrix that does not match its labels', () => {
    expect(() => attentionHeatmap([[1, 0]], ['a'], ['b'])).toThrow(
      'attentionHeatmap: row 0 has 2 values, expected 1 (one per column label)',
    );
    expect(() => attentionHeatmap([[1]], ['a'], ['b', 'c'])).toThrow(
      'attentionHeatmap: expected 2 rows (one per row label), got 1',
    );
  });

  it('as a PNG, the cell of the largest weight is darker than the cell of the smallest (pixel sampling)', async () => {
    const matrix = [
      [0.05, 0.9, 0.05],
      [0.6, 0.3, 0.1],
    ];
    const svg = await renderSvg(attentionHeatmap(matrix, ['a', 'b', 'c'], ['x', 'y']));
    const scale = 2;
    const image = PNG.sync.read(Buffer.from(await svgToPng(svg, { scale })));
    const [dx, dy] = [...svg.matchAll(/translate\(([\d.]+),([\d.]+)\)/g)]
      .slice(0, 2)
      .reduce((sum, m) => [sum[0] + Number(m[1]), sum[1] + Number(m[2])], [0, 0]);
    const luminance = (label: string) => {
      const cell = cells(svg).find((c) => c.label.endsWith(`attention: ${label}`))!;
      const [px, py] = [
        Math.round((dx + cell.x + 11) * scale),
        Math.round((dy + cell.y + 11) * scale),
      ];
      const i = (py * image.width + px) * 4;
      const [r, g, b] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [largest, smallest, middle] = [luminance('0.9'), luminance('0.05'), luminance('0.3')];
    expect(largest).toBeLessThan(middle);
    expect(middle).toBeLessThan(smallest);
    expect(smallest - largest).toBeGreaterThan(80); // clearly visible, not a rounding difference
  });
});
