import { availableParallelism } from 'node:os';
import { type EngineChoice, LSTM } from '@gated/cells';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/fixtures';
import { onWasm } from '../test/kernel-runs';
import { installWasmKernels, uninstallWasmKernels } from './install';
import { parallelRunCount, setThreadLimits, stopPoolWorkerForTests } from './wasm-threads';

/*
 * A pool whose worker is gone must cost no more than a short wait: the forward falls back to the
 * one-thread engine (and says so), and a backward whose forward ran on the pool still gets its
 * gradients. Each file runs in its own module graph, so the pool lost here is this file's alone.
 */

const LOST = "the thread pool's worker was lost";
// A guard against a hang (the defect: 26 s), not a speed target.
const HANG_MS = 1000;

type Values = Float32Array[];

function expectClose(actual: Values, expected: Values) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((values, k) => {
    let worst = 0;
    for (let i = 0; i < values.length; i++)
      worst = Math.max(worst, Math.abs(values[i]! - expected[k]![i]!));
    expect(worst, `result ${k}`).toBeLessThanOrEqual(2e-6);
  });
}

/** Runs `body`, checking that it returns within HANG_MS. */
function timed<T>(body: () => T): T {
  const start = performance.now();
  const value = body();
  expect(performance.now() - start).toBeLessThan(HANG_MS);
  return value;
}

const ranOnOneThread = (choices: readonly EngineChoice[]) => {
  for (const choice of choices) {
    expect(choice.engine).toBe('wasm');
    expect(choice.declined).toContainEqual({ engine: 'wasm-threads', reason: LOST });
  }
};

describe.runIf(onWasm && availableParallelism() >= 2)('a lost pool worker (Node)', () => {
  // B 5, T 7, I 3, H 37: a direction the pool takes once the work limit is off.
  const layer = new LSTM({ inputSize: 3, hiddenSize: 37, seed: 31 });
  const x = tf.randomNormal([7, 5, 3], 0, 1, 'float32', 32) as Tensor3D;
  const infer = (): Values => tf.tidy(() => [layer.forward(x).output.dataSync() as Float32Array]);
  const train = (between = () => {}): Values =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const { output, hN } = layer.forward(x);
        between();
        return tf.add(tf.sum(tf.square(output)), tf.sum(hN)) as tf.Scalar;
      }, layer.parameters() as tf.Variable[]);
      return [value, ...Object.values(grads)].map((t) => t.dataSync() as Float32Array);
    });
  let previous: ReturnType<typeof setThreadLimits>;
  let reference: { infer: Values; train: Values };

  beforeAll(async () => {
    previous = setThreadLimits({ work: 0 });
    await installWasmKernels({ threads: 1 });
    reference = { infer: infer(), train: train() };
  });
  afterAll(() => {
    setThreadLimits(previous);
    uninstallWasmKernels();
    layer.dispose();
    x.dispose();
  });

  it('a worker stopped after a forward on the pool: its backward, the next forward and training step each within 1 s, as one thread within 2e-6', async () => {
    await installWasmKernels({ threads: 2 });
    await expectNoLeaks(() => {
      const jobs = parallelRunCount();
      // 1. A forward on the pool, the worker alive.
      expectClose(infer(), reference.infer);
      expect(layer.lastEngines[0]?.engine).toBe('wasm-threads');
      // 2. A training forward on the pool; the worker stops before its backward, which finds the
      //    forward's state in the pool's memory and runs its jobs on this thread.
      expectClose(
        timed(() => train(stopPoolWorkerForTests)),
        reference.train,
      );
      expect(layer.lastEngines[0]?.engine).toBe('wasm-threads');
      expect(parallelRunCount() - jobs).toBe(2); // the two forwards
      // 3. Later forwards, inference and training, go to the one-thread engine, which says why.
      expectClose(timed(infer), reference.infer);
      ranOnOneThread(layer.lastEngines);
      expectClose(
        timed(() => train()),
        reference.train,
      );
      ranOnOneThread(layer.lastEngines);
      expect(parallelRunCount() - jobs).toBe(2);
    });
  });
});
