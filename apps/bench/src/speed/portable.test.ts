import { LSTM } from '@gated/cells';
import { installWasmKernels, uninstallWasmKernels, wasmKernelsStatus } from '@gated/wasm';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../backend';
import { withPortableEngines } from './portable';

describe('withPortableEngines', () => {
  beforeAll(() => useBackend('wasm'));
  afterAll(() => uninstallWasmKernels());

  it('runs its body on @gated/cells alone, then puts the accelerator back as it was', async () => {
    await installWasmKernels({ threads: 1 });
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, seed: 1 });
    const x = tf.zeros([2, 3, 3]) as tf.Tensor3D;
    const engineOf = () => {
      tf.dispose(Object.values(lstm.forward(x)));
      return lstm.lastEngines[0]?.engine;
    };
    expect(engineOf()).toBe('wasm');
    let inside: string | undefined;
    await withPortableEngines(() => {
      inside = engineOf();
    });
    expect(inside).toBe('fused');
    expect(wasmKernelsStatus()).toMatchObject({
      threads: 1,
      engines: ['wasm', 'fused', 'reference'],
    });
    expect(engineOf()).toBe('wasm');
    x.dispose();
    lstm.dispose();
  });
});
