/** The two files of a shipped model (`public/models/<name>/`, from `pnpm bench train-demo-models`). */
export type ModelFiles = {
  'config.json': Uint8Array;
  'weights.safetensors': Uint8Array;
};

/** Fetches `config.json` and `weights.safetensors` from `baseUrl` (a folder URL ending in `/`). */
export async function fetchModelFiles(baseUrl: string): Promise<ModelFiles> {
  const get = async (name: keyof ModelFiles) => {
    const response = await fetch(new URL(name, baseUrl));
    if (!response.ok) throw new Error(`${name}: HTTP ${response.status} from ${response.url}`);
    return new Uint8Array(await response.arrayBuffer());
  };
  const [config, weights] = await Promise.all([get('config.json'), get('weights.safetensors')]);
  return { 'config.json': config, 'weights.safetensors': weights };
}
