import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const src = dirname(fileURLToPath(import.meta.url));

/** Bundles an entry as an app's bundler would (for the browser by default), listing what went in. */
async function bundle(entry: string, platform: 'browser' | 'node' = 'browser') {
  const result = await build({
    entryPoints: [join(src, entry)],
    bundle: true,
    platform,
    // resvg's loader picks its platform's binary package at run time; leave the .node file out.
    loader: { '.node': 'empty' },
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { inputs: Object.keys(result.metafile.inputs), bytes: result.outputFiles[0]!.contents };
}

describe('the browser entry', () => {
  it('bundles for the browser with vega and vega-lite, and no native module', async () => {
    const { inputs, bytes } = await bundle('index.ts');
    expect(inputs.some((path) => path.includes('node_modules/vega-lite/'))).toBe(true);
    expect(inputs.some((path) => path.includes('node_modules/vega/'))).toBe(true);
    expect(inputs.filter((path) => /resvg|\.node$/.test(path))).toEqual([]);
    expect(new TextDecoder().decode(bytes)).not.toContain('resvg');
  }, 120_000);

  it('while the Node entry does reach resvg (so the check above can fail)', async () => {
    const { inputs } = await bundle('node.ts', 'node');
    expect(inputs.some((path) => path.includes('node_modules/@resvg/resvg-js/'))).toBe(true);
  }, 120_000);
});
