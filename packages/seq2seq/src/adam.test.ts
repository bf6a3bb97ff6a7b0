import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/leaks';
import { torchPython } from '../test/torch-python';
import { Adam, type AdamOptions, AdamW } from './adam';

// The reference: torch.optim.AdamW / Adam over 100 steps of a fixed problem, written by
// scripts/make_adamw_fixture.py (see there) into fixtures/adamw.json.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixturePath = join(root, 'fixtures', 'adamw.json');
const script = join(root, 'scripts', 'make_adamw_fixture.py');

interface Tensor2 {
  shape: number[];
  values: number[];
}
interface Case {
  name: string;
  optimizer: 'Adam' | 'AdamW';
  options: AdamOptions;
  learningRates: number[];
  losses: number[];
  snapshots: Record<string, { weight: number[]; bias: number[] }>;
  moments: Record<'weight' | 'bias', { m: number[]; v: number[] }>;
}
interface Fixture {
  torch: string;
  adamwDefaults: Required<AdamOptions>;
  problem: Record<'x' | 'y' | 'weight' | 'bias', Tensor2>;
  cases: Case[];
}
const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as Fixture;
const TOLERANCE = 1e-6;

function maxAbsDiff(actual: ArrayLike<number>, expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++)
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst;
}

/** A variable holding `values` (tidy frees the tensor it was made from, not the variable). */
function variable(values: number[], shape: number[], name: string): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values, shape), true, name));
}

/** Runs one case as the script does: loss = mean((tanh(x W + b) − y)²), one update per step. */
function runCase(c: Case): { worstParameter: number; worstLoss: number; worstMoment: number } {
  const { x: xJson, y: yJson, weight: w0, bias: b0 } = fixture.problem;
  const x = tf.tensor(xJson.values, xJson.shape);
  const y = tf.tensor(yJson.values, yJson.shape);
  const weight = variable(w0.values, w0.shape, 'adam-test-weight');
  const bias = variable(b0.values, b0.shape, 'adam-test-bias');
  const named: Array<[string, tf.Variable]> = [
    ['weight', weight],
    ['bias', bias],
  ];
  const optimizer = c.optimizer === 'AdamW' ? new AdamW(c.options) : new Adam(c.options);
  let worstParameter = 0;
  let worstLoss = 0;
  c.learningRates.forEach((learningRate, i) => {
    const { value, grads } = tf.variableGrads(() => {
      const error = tf.sub(tf.tanh(tf.add(tf.matMul(x, weight), bias)), y);
      return tf.mean(tf.mul(error, error)) as tf.Scalar;
    }, [weight, bias]);
    worstLoss = Math.max(worstLoss, Math.abs(value.dataSync()[0]! - c.losses[i]!));
    optimizer.apply(named, { weight: grads[weight.name]!, bias: grads[bias.name]! }, learningRate);
    tf.dispose([value, ...Object.values(grads)]);
    const snapshot = c.snapshots[String(i + 1)];
    if (snapshot)
      worstParameter = Math.max(
        worstParameter,
        maxAbsDiff(weight.dataSync(), snapshot.weight),
        maxAbsDiff(bias.dataSync(), snapshot.bias),
      );
  });
  const state = optimizer.stateDict();
  let worstMoment = 0;
  for (const name of ['weight', 'bias'] as const)
    worstMoment = Math.max(
      worstMoment,
      maxAbsDiff(state[`m.${name}`]!.dataSync(), c.moments[name].m),
      maxAbsDiff(state[`v.${name}`]!.dataSync(), c.moments[name].v),
    );
  expect(optimizer.step).toBe(c.learningRates.length);
  tf.dispose([x, y, weight, bias, ...Object.values(state)]);
  optimizer.dispose();
  return { worstParameter, worstLoss, worstMoment };
}

describe(`Adam and AdamW match PyTorch ${fixture.torch} over 100 steps (to ${TOLERANCE})`, () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    expect(c.learningRates).toHaveLength(100);
    await expectNoLeaks(() => {
      const worst = runCase(c);
      expect(worst.worstParameter).toBeLessThan(TOLERANCE);
      expect(worst.worstLoss).toBeLessThan(TOLERANCE);
      expect(worst.worstMoment).toBeLessThan(TOLERANCE);
    });
  });

  it("AdamW's defaults are torch.optim.AdamW's (weight decay 0.01); Adam's decay is 0", () => {
    const adamw = new AdamW();
    const { weightDecay, beta1, beta2, epsilon } = adamw;
    expect({ weightDecay, beta1, beta2, epsilon }).toEqual(fixture.adamwDefaults);
    expect(new Adam().weightDecay).toBe(0);
    expect(new AdamW({ weightDecay: 0 }).weightDecay).toBe(0);
  });

  it('decay changes the trajectory: Adam and AdamW at the same rate part by more than the tolerance', () => {
    const [adamw, , adam] = fixture.cases;
    const a = adamw!.snapshots['100']!.weight;
    expect(maxAbsDiff(a, adam!.snapshots['100']!.weight)).toBeGreaterThan(100 * TOLERANCE);
  });
});

describe('AdamW', () => {
  it('decays a parameter by 1 − lr·λ before the Adam step, and leaves one without a gradient alone', async () => {
    await expectNoLeaks(() => {
      const moved = variable([2, -3], [2], 'adamw-moved');
      const still = variable([5], [1], 'adamw-still');
      const optimizer = new AdamW({ weightDecay: 0.5 });
      const grad = tf.tensor1d([0, 0]);
      // With a zero gradient the Adam step is 0 / (0 + ε) = 0: only the decay moves the weight.
      optimizer.apply(
        [
          ['moved', moved],
          ['still', still],
        ],
        { moved: grad },
        0.1,
      );
      expect(Array.from(moved.dataSync())).toEqual([2 * 0.95, -3 * 0.95].map(Math.fround));
      expect(Array.from(still.dataSync())).toEqual([5]);
      tf.dispose([moved, still, grad]);
      optimizer.dispose();
    });
  });

  it.each<[AdamOptions, RegExp]>([
    [{ weightDecay: -0.1 }, /Adam: weightDecay must be ≥ 0, got -0\.1/],
    [{ weightDecay: Number.NaN }, /weightDecay/],
    [{ weight_decay: 0.1 } as never, /weight_decay/],
  ])('refuses %j', (options, message) => {
    expect(() => new AdamW(options)).toThrow(message);
  });
});

// Regenerating the fixture needs torch (a warning and a skip without it, an error with
// GATED_TORCH=required); the comparison above never does.
const python = torchPython();

describe.skipIf(!python)('the fixture is what the script writes', () => {
  it('scripts/make_adamw_fixture.py --stdout reproduces fixtures/adamw.json', () => {
    expect(existsSync(script)).toBe(true);
    const out = execFileSync(python!, [script, '--stdout'], {
      cwd: root,
      env: { ...process.env, OMP_NUM_THREADS: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(JSON.parse(out)).toEqual(fixture);
  });
});
