import { installWasmKernels } from '@gated/wasm';
import * as tf from '@tensorflow/tfjs';
import { enableRelaxedSimd } from './relaxed-simd';

export type BackendName = 'wasm' | 'cpu' | 'tensorflow';

/**
 * Selects a tfjs backend; `tensorflow` needs @tensorflow/tfjs-node, which is optional. On wasm,
 * gated's accelerator is installed too, unless `kernels` is false (to measure without it), in
 * its relaxed-SIMD build (what Node 22 and Chromium run; Node 20 needs a V8 flag, set here).
 */
export async function useBackend(name: BackendName, kernels = true): Promise<void> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (name === 'tensorflow') {
    try {
      await import(/* optional peer */ '@tensorflow/tfjs-node' as string);
    } catch {
      throw new Error(
        '--backend tensorflow needs @tensorflow/tfjs-node, which is not installed (it downloads libtensorflow at install time)',
      );
    }
  }
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend '${name}' did not initialise`);
  await tf.ready();
  if (name === 'wasm' && kernels) {
    enableRelaxedSimd();
    await installWasmKernels();
  }
}
