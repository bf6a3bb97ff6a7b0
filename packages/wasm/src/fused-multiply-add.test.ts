import { describe, expect, it } from 'vitest';
import { fusedProbe } from '../test/fma-probe';
import { installWasmKernels, uninstallWasmKernels } from './install';
import { fusedMultiplyAdd } from './wasm-module';

// The build is chosen by the engine: Node 20 has no relaxed SIMD unless flagged (the suite in
// conformance-relaxed.test.ts turns it on), Node 22 and Chromium have it.
describe('the module build', () => {
  it('fuses the products exactly when the engine runs relaxed SIMD', () => {
    expect(fusedProbe()).toBe(fusedMultiplyAdd() ? 2 ** -24 : 0);
  });

  it('is named in the status', async () => {
    const status = await installWasmKernels({ threads: 1 });
    expect(status.fusedMultiplyAdd).toBe(fusedMultiplyAdd());
    uninstallWasmKernels();
  });
});
