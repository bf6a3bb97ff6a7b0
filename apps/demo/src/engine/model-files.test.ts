import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchModelFiles, fetchModelFolder, folderFileUrls } from './model-files';

/** A `fetch` that answers each URL with its own bytes (404 for those not in `files`). */
function stubFetch(files: Record<string, number[]>) {
  const asked: string[] = [];
  vi.stubGlobal('fetch', async (url: string) => {
    asked.push(url);
    const bytes = files[url];
    return {
      ok: bytes !== undefined,
      status: bytes === undefined ? 404 : 200,
      url,
      arrayBuffer: async () => new Uint8Array(bytes ?? []).buffer,
    };
  });
  return asked;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('model files', () => {
  it("names a folder's two files", () => {
    expect(folderFileUrls('https://demo.test/models/dates/')).toEqual({
      'config.json': 'https://demo.test/models/dates/config.json',
      'weights.safetensors': 'https://demo.test/models/dates/weights.safetensors',
    });
  });

  it('fetches two files from wherever they are, as a bundler names them', async () => {
    const asked = stubFetch({
      '/assets/config-3f9a.json': [1, 2, 3],
      '/assets/weights-b07c.safetensors': [4, 5, 6, 7, 8],
    });
    const files = await fetchModelFiles({
      'config.json': '/assets/config-3f9a.json',
      'weights.safetensors': '/assets/weights-b07c.safetensors',
    });
    expect(asked.sort()).toEqual(['/assets/config-3f9a.json', '/assets/weights-b07c.safetensors']);
    expect([...files['config.json']]).toEqual([1, 2, 3]);
    expect([...files['weights.safetensors']]).toEqual([4, 5, 6, 7, 8]);
  });

  it('fetches a folder, and names the file and URL that failed', async () => {
    stubFetch({ 'https://demo.test/models/recall/config.json': [9] });
    await expect(fetchModelFolder('https://demo.test/models/recall/')).rejects.toThrow(
      'weights.safetensors: HTTP 404 from https://demo.test/models/recall/weights.safetensors',
    );
  });
});
