import { installWasmKernels, uninstallWasmKernels } from '@gated/wasm';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, expect, it } from 'vitest';
import { enableRelaxedSimd, relaxedSimdFlagSet, v8Before } from './relaxed-simd';

afterAll(() => uninstallWasmKernels());

it('compares V8 versions by major, then minor', () => {
  expect(v8Before([11, 4], '11.3.244.8-node.38')).toBe(true); // Node 20.20
  expect(v8Before([11, 4], '12.4.254.21-node.33')).toBe(false); // Node 22
  expect(v8Before([11, 4], '11.4.0')).toBe(false);
  expect(v8Before([11, 4], '10.9.1')).toBe(true);
});

it('leaves an engine that has relaxed SIMD alone', () => {
  expect(enableRelaxedSimd('12.4.254.21-node.33')).toBe(false);
  expect(relaxedSimdFlagSet()).toBe(false);
});

it('makes the kernels take their relaxed-SIMD build on this engine', async () => {
  const needed = v8Before([11, 4], process.versions.v8);
  expect(enableRelaxedSimd()).toBe(needed);
  expect(relaxedSimdFlagSet()).toBe(needed);
  await tf.setBackend('wasm');
  const status = await installWasmKernels({ threads: 1 });
  expect(status.fusedMultiplyAdd).toBe(true);
});
