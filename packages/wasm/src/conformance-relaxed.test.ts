import { setFlagsFromString } from 'node:v8';
import { expect, it } from 'vitest';
import { fusedProbe } from '../test/fma-probe';
import { fusedMultiplyAdd } from './wasm-module';

/*
 * The relaxed-SIMD build (fused multiply-add in every product, what Chromium runs) on the same
 * suites as the plain build: Node 20 validates relaxed SIMD once this flag is set, before the
 * module is first compiled. The suites are imported after the flag, so that their kernels run
 * on the relaxed build.
 */
setFlagsFromString('--experimental-wasm-relaxed-simd');
await import('./conformance.test');

it('runs the relaxed build, whose products are fused', () => {
  expect(fusedMultiplyAdd()).toBe(true);
  expect(fusedProbe()).toBe(2 ** -24);
});
