// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarball.
import assert from 'node:assert/strict';
import { attentionHeatmap, renderSvg, renderTerminalHeatmap } from '@gated/viz';
import { renderPng } from '@gated/viz/node';

const spec = attentionHeatmap(
  [
    [0.9, 0.1],
    [0.2, 0.8],
  ],
  ['a', 'b'],
  ['b', 'a'],
);
const svg = await renderSvg(spec);
assert.ok(svg.startsWith('<svg'));
const png = await renderPng(spec);
assert.deepEqual([...png.slice(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
assert.ok(renderTerminalHeatmap([[0, 1]], { color: 'none' }).includes('██'));
console.log(`esm ok: svg ${svg.length} chars, png ${png.length} bytes`);
