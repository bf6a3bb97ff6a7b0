import type { TopLevelSpec } from 'vega-lite';

/**
 * Renders a Vega-Lite spec to an SVG string with Vega's headless view, in Node or a browser.
 * Text is escaped by Vega's SVG renderer, so labels typed by users are safe to embed.
 * (Vega and Vega-Lite are ES modules with top-level await, so they are imported on first use.)
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Shows a spec in a page element with vega-embed (tooltips, export menu). Browser only.
 * @returns a function that removes the chart
 */
export async function embedChart(
  element: HTMLElement | string,
  spec: TopLevelSpec,
): Promise<() => void> {
  const { default: embed } = await import('vega-embed').catch((error: unknown) => {
    throw new Error(
      'embedChart: needs vega-embed, an optional peer dependency of @gated/viz: npm install vega-embed',
      { cause: error },
    );
  });
  const result = await embed(element, spec as never, {
    actions: { export: true, source: false, compiled: false, editor: false },
  });
  return () => result.finalize();
}
