import { installWasmKernels, uninstallWasmKernels, wasmKernelsStatus } from '@gated/wasm';

/**
 * Runs `body` with the accelerator uninstalled, so that layers take @gated/cells' portable
 * `fused` engine (what an app without `@gated/wasm` gets), then installs it again as it was.
 * Does nothing where the accelerator is not installed (another backend).
 */
export async function withPortableEngines(body: () => void): Promise<void> {
  const status = wasmKernelsStatus();
  if (!status.engines.includes('wasm')) return;
  uninstallWasmKernels();
  try {
    body();
  } finally {
    await installWasmKernels({ threads: status.threads });
  }
}
