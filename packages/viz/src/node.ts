/**
 * Node-only rendering: `import { renderPng, writeFigure } from '@gated/viz/node'`. PNG needs the
 * optional peer `@resvg/resvg-js` (a native module), loaded on the first PNG; SVG needs nothing.
 */
import { renameSync, writeFileSync } from 'node:fs';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './render-svg';

/** Options of `svgToPng`, `renderPng` and `writeFigure` (for PNG files). */
export interface PngOptions {
  /** Pixels per SVG unit. Default 2 (sharp on high-density screens). */
  scale?: number;
  /** Background colour. Default white. */
  background?: string;
}

type ResvgModule = typeof import('@resvg/resvg-js');

/** `@resvg/resvg-js`, or an error saying how to install it. */
async function loadResvg(where: string): Promise<ResvgModule> {
  try {
    return await import('@resvg/resvg-js');
  } catch (error) {
    throw new Error(
      `${where}: PNG output needs @resvg/resvg-js, an optional peer dependency of @gated/viz: npm install @resvg/resvg-js (SVG needs nothing more)`,
      { cause: error },
    );
  }
}

/** Rasterises an SVG string with resvg (system fonts for the text) to PNG bytes. */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Uint8Array> {
  const { Resvg } = await loadResvg('svgToPng');
  const resvg = new Resvg(svg, {
    background: options.background ?? 'white',
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'sans-serif' },
  });
  return new Uint8Array(resvg.render().asPng());
}

/** Renders a Vega-Lite spec to PNG bytes. */
export async function renderPng(spec: TopLevelSpec, options: PngOptions = {}): Promise<Uint8Array> {
  return svgToPng(await renderSvg(spec), options);
}

/** Writes a spec as `.svg` or `.png` (by the path's extension), through a temporary file. */
export async function writeFigure(
  path: string,
  spec: TopLevelSpec,
  options: PngOptions = {},
): Promise<void> {
  let bytes: Uint8Array | string;
  if (path.endsWith('.svg')) bytes = await renderSvg(spec);
  else if (path.endsWith('.png')) bytes = await renderPng(spec, options);
  else throw new Error(`writeFigure: ${path} must end in .svg or .png`);
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}
