import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gradientConfigs } from '@gated/gradients';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type GradientJson, lstmLinearStep, type StepResult } from '../test/lstm-linear-step';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

interface ChildReport extends StepResult {
  backend: string;
  /** Kernels of ours that had a gradient before the first Module was built. */
  before: string[];
  /** Kernels whose registered gradient is ours after the step. */
  ours: string[];
}

/** The child's step, with tfjs-core and `backend` only (test/core-only-child.ts). */
function coreOnlyStep(backend: string): ChildReport {
  const stdout = execFileSync(
    process.execPath,
    ['--import', 'tsx', join('test', 'core-only-child.ts'), backend],
    {
      cwd: packageDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TSX_TSCONFIG_PATH: join('test', 'tsconfig.sources.json') },
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildReport;
}

function largestDifference(a: GradientJson, b: GradientJson): number {
  return a.values.reduce((worst, value, i) => Math.max(worst, Math.abs(value - b.values[i]!)), 0);
}

describe.each(['cpu', 'wasm'])('training with tfjs-core alone, %s backend', (backend) => {
  it('runs on our gradients, finite and non-zero, as the full tfjs run computes them', async () => {
    const child = coreOnlyStep(backend);
    expect(child.backend).toBe(backend);
    expect(child.before, 'tfjs-core registers no gradients of its own').toEqual([]);
    expect(child.ours.sort()).toEqual(gradientConfigs.map((c) => c.kernelName).sort());
    expect(child.lossAfter).toBeLessThan(child.lossBefore);

    // The same step in this process, where the setup loaded the full tfjs and its gradients.
    const previous = tf.getBackend();
    await tf.setBackend(backend);
    let here: StepResult;
    try {
      const tensors = tf.memory().numTensors;
      here = lstmLinearStep();
      expect(tf.memory().numTensors, 'tensors left by the step').toBe(tensors);
    } finally {
      await tf.setBackend(previous);
    }
    expect(Object.keys(child.grads)).toEqual(Object.keys(here.grads));
    for (const [name, gradient] of Object.entries(child.grads)) {
      const expected = here.grads[name]!;
      expect(gradient.shape, name).toEqual(expected.shape);
      expect(gradient.values.every(Number.isFinite), `${name} finite`).toBe(true);
      expect(
        gradient.values.some((v) => v !== 0),
        `${name} non-zero`,
      ).toBe(true);
      expect(largestDifference(gradient, expected), name).toBeLessThan(1e-6);
    }
    expect(Math.abs(child.lossBefore - here.lossBefore)).toBeLessThan(1e-6);
  }, 60_000);
});
