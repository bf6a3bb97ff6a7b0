import { setFlagsFromString } from 'node:v8';

/*
 * The product, attention, threaded-recurrence and vector-math suites on the relaxed-SIMD build (see
 * conformance-relaxed.test.ts): the flag is set before their kernels first compile the module.
 */
setFlagsFromString('--experimental-wasm-relaxed-simd');
await import('./wasm-attention.test');
await import('./wasm-matmul.test');
await import('./threaded-recurrence.test');
await import('./vector-math.test');

const { expect, it } = await import('vitest');
const { fusedMultiplyAdd } = await import('./wasm-module');
it('ran them on the relaxed build', () => expect(fusedMultiplyAdd()).toBe(true));
