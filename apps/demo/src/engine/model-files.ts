/**
 * The two files of a shipped model: `public/models/<name>/` (from `pnpm bench train-demo-models`),
 * or for G2P the `model/` of `@gated/g2p`.
 */
export type ModelFiles = {
  'config.json': Uint8Array;
  'weights.safetensors': Uint8Array;
};

/** Where each of a model's two files is fetched from (absolute URLs, or relative to the worker). */
export type ModelFileUrls = Record<keyof ModelFiles, string>;

/** The two files' URLs in the folder `baseUrl` (a folder URL ending in `/`). */
export function folderFileUrls(baseUrl: string): ModelFileUrls {
  return {
    'config.json': new URL('config.json', baseUrl).href,
    'weights.safetensors': new URL('weights.safetensors', baseUrl).href,
  };
}

/** Fetches `config.json` and `weights.safetensors` from where `urls` says they are. */
export async function fetchModelFiles(urls: ModelFileUrls): Promise<ModelFiles> {
  const get = async (name: keyof ModelFiles) => {
    const response = await fetch(urls[name]);
    if (!response.ok) throw new Error(`${name}: HTTP ${response.status} from ${response.url}`);
    return new Uint8Array(await response.arrayBuffer());
  };
  const [config, weights] = await Promise.all([get('config.json'), get('weights.safetensors')]);
  return { 'config.json': config, 'weights.safetensors': weights };
}

/** Fetches a model folder's two files (`baseUrl` ends in `/`). */
export function fetchModelFolder(baseUrl: string): Promise<ModelFiles> {
  return fetchModelFiles(folderFileUrls(baseUrl));
}
