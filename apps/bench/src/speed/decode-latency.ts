import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TextModel } from '@gated/models';
import { loadTextModel } from '@gated/models/node';
import { installWasmKernels, uninstallWasmKernels, wasmKernelsStatus } from '@gated/wasm';
import { median } from './subjects';

/** Median ms of greedy `predict([input])`, one input at a time, after a warm-up. */
export function medianDecodeMs(model: TextModel, inputs: readonly string[]): number {
  model.predict(inputs.slice(0, 3)); // warm up
  const times = inputs.map((input) => {
    const start = performance.now();
    model.predict([input]);
    return performance.now() - start;
  });
  return median(times);
}

/** Greedy decoding latency of the demo's G2P model (`@gated/g2p`'s), one word at a time. */
export interface DecodeLatency {
  model: string;
  words: number;
  /** Median wall time of `predict([word])`, greedy, in ms. */
  msPerWord: number;
  /** The same with gated's wasm kernels switched off (the op-by-op path), for comparison. */
  opsMsPerWord?: number;
}

const here = dirname(fileURLToPath(import.meta.url));
/** The G2P model the demo ships: the one `@gated/g2p` ships, in `packages/g2p/model`. */
export const G2P_MODEL_DIR = join(here, '../../../../packages/g2p/model');

/**
 * Decodes `count` dictionary words (every k-th entry, so the set is fixed) one at a time after a
 * warm-up, and returns the median latency. Undefined when the model is not there.
 */
export async function g2pDecodeLatency(count: number): Promise<DecodeLatency | undefined> {
  if (!existsSync(join(G2P_MODEL_DIR, 'config.json'))) return undefined;
  const { dictionary } = (await import('cmu-pronouncing-dictionary')) as {
    dictionary: Record<string, string>;
  };
  const all = Object.keys(dictionary).filter((w) => /^[a-z]+$/.test(w));
  const stride = Math.floor(all.length / count);
  const words = Array.from({ length: count }, (_, i) => all[i * stride]!);
  const model = loadTextModel(G2P_MODEL_DIR);
  try {
    const msPerWord = medianDecodeMs(model, words);
    // The same decoding on @gated/cells' portable engines alone (the accelerator uninstalled).
    const accelerated = wasmKernelsStatus().engines.includes('wasm');
    if (accelerated) uninstallWasmKernels();
    const opsMsPerWord = accelerated ? medianDecodeMs(model, words) : undefined;
    if (accelerated) await installWasmKernels();
    return { model: 'packages/g2p/model', words: count, msPerWord, opsMsPerWord };
  } finally {
    model.dispose();
  }
}
