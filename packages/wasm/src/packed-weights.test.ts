import { LSTM } from '@gated/cells';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/fixtures';
import { onWasm, run } from '../test/kernel-runs';
import { uninstallWasmKernels } from './install';
import { packedWeightCount } from './packed-weights';

afterEach(() => uninstallWasmKernels());

const outputOf = (layer: LSTM, x: Tensor3D) =>
  tf.tidy(() => layer.forward(x).output.dataSync() as Float32Array);

const worst = (a: Float32Array, b: Float32Array) =>
  a.reduce((w, v, i) => Math.max(w, Math.abs(v - b[i]!)), 0);

describe.runIf(onWasm)('weights kept packed between calls', () => {
  it('packs W_ih and W_hh once, and a new value of a weight is packed again, not read stale', async () => {
    // Batch 2 over 9 steps: both products run on packed panels (see PACK_STEPS).
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 10, seed: 21 });
    const x = tf.randomNormal([9, 2, 3], 0, 1, 'float32', 5) as Tensor3D;
    await expectNoLeaks(async () => {
      const first = await run(true, () => outputOf(lstm, x));
      expect(first.names).toContain('GatedRecurrenceForward');
      expect(packedWeightCount()).toBe(2);
      const again = await run(true, () => outputOf(lstm, x));
      expect(packedWeightCount()).toBe(2);
      expect(worst(again.value, first.value)).toBe(0);

      // Every parameter takes a new value (as an optimizer step does): new data, new dataIds.
      for (const p of lstm.parameters() as tf.Variable[]) {
        const value = tf.tidy(() => tf.add(tf.mul(p, 0.5), 0.1));
        p.assign(value);
        value.dispose();
      }
      const changed = await run(true, () => outputOf(lstm, x));
      const reference = await run(false, () => outputOf(lstm, x));
      expect(reference.names).not.toContain('GatedRecurrenceForward');
      expect(worst(changed.value, reference.value)).toBeLessThan(2e-6);
      expect(worst(changed.value, first.value)).toBeGreaterThan(1e-2);
    });
    x.dispose();
    lstm.dispose();
  });

  it('frees the entries of disposed weights, keeps at most twelve, and none after uninstalling', async () => {
    const x = tf.randomNormal([9, 2, 3], 0, 1, 'float32', 6) as Tensor3D;
    for (let seed = 0; seed < 6; seed++) {
      const lstm = new LSTM({ inputSize: 3, hiddenSize: 10, seed });
      await run(true, () => outputOf(lstm, x));
      lstm.dispose();
    }
    // Each run found the last layer's two entries disposed and freed them before adding its own.
    expect(packedWeightCount()).toBe(2);
    const kept = Array.from(
      { length: 8 },
      (_, seed) => new LSTM({ inputSize: 3, hiddenSize: 10, seed }),
    );
    for (const lstm of kept) await run(true, () => outputOf(lstm, x));
    expect(packedWeightCount()).toBe(12); // 16 packed, the 4 least recently used freed
    uninstallWasmKernels();
    expect(packedWeightCount()).toBe(0);
    for (const lstm of kept) lstm.dispose();
    x.dispose();
  });
});
