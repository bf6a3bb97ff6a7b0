import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modelDir, shippedFiles } from '../test/shipped-files';
import { defaultModelUrl, readModelFile, readModelFolder } from './model-files';

describe('model files', () => {
  it('finds the package’s own model folder from the module’s URL', async () => {
    const url = defaultModelUrl();
    expect(fileURLToPath(url)).toBe(`${modelDir}/`);
    const files = await readModelFolder(url);
    const shipped = shippedFiles();
    expect(Object.keys(files)).toEqual(Object.keys(shipped));
    // Byte for byte (toEqual walks a 2 MB array element by element: seconds, minutes under load).
    for (const [name, bytes] of Object.entries(shipped)) {
      expect(files[name]!.length, name).toBe(bytes.length);
      expect(Buffer.compare(files[name]!, bytes), name).toBe(0);
    }
    expect(existsSync(fileURLToPath(new URL('weights.safetensors', url)))).toBe(true);
  });

  it('reads each file through readFile, from the folder with or without its final slash', async () => {
    const asked: string[] = [];
    const read = async (url: URL) => {
      asked.push(url.href);
      return new Uint8Array([asked.length]);
    };
    await readModelFolder('https://example.test/models/g2p', read);
    await readModelFolder(new URL('https://example.test/models/g2p/'), read);
    expect(asked).toEqual([
      'https://example.test/models/g2p/config.json',
      'https://example.test/models/g2p/weights.safetensors',
      'https://example.test/models/g2p/config.json',
      'https://example.test/models/g2p/weights.safetensors',
    ]);
  });

  it('names the file and URL that failed, and a relative URL outside a page', async () => {
    await expect(readModelFolder('file:///no/such/folder/')).rejects.toThrow(
      /could not read file:\/\/\/no\/such\/folder\/config.json: ENOENT/,
    );
    await expect(readModelFolder('models/g2p/')).rejects.toThrow(
      'modelUrl must be an absolute URL of the model folder (or, in a page, one relative to it), got "models/g2p/"',
    );
    await expect(readModelFile(new URL('data:text/plain,abc'))).resolves.toEqual(
      new TextEncoder().encode('abc'),
    );
  });
});
