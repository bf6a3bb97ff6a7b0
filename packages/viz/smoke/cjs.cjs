// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarball.
const assert = require('node:assert/strict');
const { lineChart, renderSvg } = require('@gated/viz');
const { renderPng } = require('@gated/viz/node');

const spec = lineChart({
  series: [{ name: 'loss', x: [1, 2, 3], y: [3, 2, 1] }],
  xTitle: 'step',
  yTitle: 'loss',
});
renderSvg(spec).then(async (svg) => {
  assert.ok(svg.includes('line mark'));
  const png = await renderPng(spec);
  console.log(`cjs ok: svg ${svg.length} chars, png ${png.length} bytes`);
});
