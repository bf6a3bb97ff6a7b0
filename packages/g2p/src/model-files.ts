/**
 * Where the model's two files come from: by default the `model/` folder inside this package,
 * found from this module's own URL, read with `fetch` in a browser (http, https, blob, data URLs)
 * and from disk in Node (`file:` URLs, which Node's fetch does not read).
 */
import type { CheckpointFiles } from '@gated/seq2seq';

/** The files of a model folder: the manifest (config, vocabularies, checksums) and the weights. */
export const MODEL_FILE_NAMES = ['config.json', 'weights.safetensors'] as const;

/** Reads one file of the model, given its full URL. */
export type ReadModelFile = (url: URL) => Promise<Uint8Array>;

/** The package's own model folder: `<package>/model/`, beside `dist/` (and beside `src/`). */
export function defaultModelUrl(): URL {
  return new URL('../model/', import.meta.url);
}

/** `fetch` for web URLs, `node:fs` for `file:` URLs. */
export const readModelFile: ReadModelFile = async (url) => {
  if (url.protocol === 'file:') {
    // A computed specifier, so that bundlers for the browser leave node:fs alone.
    const fs = 'node:fs/promises';
    const { readFile } = (await import(/* @vite-ignore */ fs)) as typeof import('node:fs/promises');
    return new Uint8Array(await readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
  return new Uint8Array(await response.arrayBuffer());
};

/**
 * Both files of the model folder at `folder` (a URL ending in `/`; one without is treated as a
 * folder too), read in parallel.
 * @throws naming the file and the URL that failed
 */
export async function readModelFolder(
  folder: string | URL,
  read: ReadModelFile = readModelFile,
): Promise<CheckpointFiles> {
  const base = folderUrl(folder);
  const files = await Promise.all(
    MODEL_FILE_NAMES.map(async (name) => {
      const url = new URL(name, base);
      try {
        return [name, await read(url)] as const;
      } catch (error) {
        throw new Error(`@gated/g2p: could not read ${url.href}: ${(error as Error).message}`);
      }
    }),
  );
  return Object.fromEntries(files);
}

function folderUrl(folder: string | URL): URL {
  let url: URL;
  try {
    // A relative string resolves against the page (or, where there is none, fails here).
    url = new URL(String(folder), globalThis.location?.href);
  } catch {
    throw new Error(
      `@gated/g2p: modelUrl must be an absolute URL of the model folder (or, in a page, one relative to it), got ${JSON.stringify(String(folder))}`,
    );
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}
