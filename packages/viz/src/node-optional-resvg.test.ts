import { describe, expect, it, vi } from 'vitest';

describe('@gated/viz/node without @resvg/resvg-js', () => {
  it('SVG still works; PNG says what to install', async () => {
    vi.doMock('@resvg/resvg-js', () => {
      throw new Error("Cannot find package '@resvg/resvg-js'");
    });
    const { svgToPng, writeFigure } = await import('./node');
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"></svg>';
    await expect(svgToPng(svg)).rejects.toThrow(
      'svgToPng: PNG output needs @resvg/resvg-js, an optional peer dependency of @gated/viz: npm install @resvg/resvg-js (SVG needs nothing more)',
    );
    expect(writeFigure).toBeTypeOf('function');
    vi.doUnmock('@resvg/resvg-js');
  });
});
