import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { tinyConfig, tinyExamples } from '../test/tiny-task';
import { countTowardsDivergence, initialDivergenceState, resolveDivergence } from './divergence';
import type { TrainingEvent } from './fit-options';
import { Seq2Seq } from './seq2seq';
import { Trainer } from './trainer';

const lnV = Math.log(11);

describe('the divergence rule', () => {
  it('counts consecutive steps above factor × max(first loss, ln V), and resets below it', () => {
    const rule = resolveDivergence('test', { factor: 3, patience: 3 });
    const state = initialDivergenceState();
    const threshold = 3 * lnV; // the first loss, 1.5, is below ln 11 ≈ 2.398
    const verdicts = [1.5, threshold + 1, threshold + 1, 2, threshold + 1, threshold + 1].map(
      (loss) => countTowardsDivergence(rule, state, loss, 11),
    );
    expect(verdicts).toEqual([null, null, null, null, null, null]);
    expect(state).toEqual({ firstLoss: 1.5, stepsAbove: 2 });
    const verdict = countTowardsDivergence(rule, state, 50, 11);
    expect(verdict).toBe(
      'the training loss has been above 7.194 (divergence.factor 3 × max(first loss 1.500, ln V 2.398)) for 3 steps; last 50.00',
    );
  });

  it('uses the first loss when it is above ln V; `false` turns the rule off', () => {
    const state = initialDivergenceState();
    const rule = resolveDivergence('test', { patience: 1 });
    expect(countTowardsDivergence(rule, state, 4, 11)).toBeNull(); // the first loss, 4 > ln V
    expect(countTowardsDivergence(rule, state, 7.9, 11)).toBeNull(); // under 2 × 4
    expect(countTowardsDivergence(rule, state, 8.1, 11)).toMatch(/above 8\.000/);
    const off = initialDivergenceState();
    for (const loss of [1, 1e6, 1e9])
      expect(countTowardsDivergence(false, off, loss, 11)).toBeNull();
    expect(resolveDivergence('test', undefined)).toEqual({ factor: 2, patience: 10 });
  });
});

describe('a run whose loss explodes but stays finite', () => {
  it('stops as diverged, keeps the best checkpoint, and hands back the best weights', async () => {
    const model = new Seq2Seq(tinyConfig({ cell: 'gru', attention: 'luong-general' }));
    // Warm-up to a learning rate 3000× too high: within a few steps the loss explodes, finite.
    const trainer = new Trainer(model, {
      batchSize: 5,
      learningRate: 3,
      schedule: { type: 'warmup-cosine', warmupSteps: 8, totalSteps: 200 },
      seed: 5,
    });
    const events: TrainingEvent[] = [];
    const best: Array<{ step: number; loss: number; weights: Record<string, unknown> }> = [];
    const resumeSaves: number[] = [];
    const readWeights = () =>
      Object.fromEntries(model.namedParameters().map(([n, v]) => [n, v.dataSync().slice()]));
    const tensorsBefore = tf.memory().numTensors;
    const result = await trainer.fit({
      train: tinyExamples(15, 1),
      validation: tinyExamples(5, 2),
      evaluateEvery: 2,
      maxSteps: 80,
      onProgress: (e) => events.push(e),
      onBestCheckpoint: (t) => {
        best.push({
          step: t.state.step,
          loss: t.state.history.at(-1)!.loss,
          weights: readWeights(),
        });
      },
      onCheckpoint: (t) => {
        resumeSaves.push(t.state.step);
      },
    });
    // The in-memory copy of the best weights is gone; only Adam's moments remain.
    expect(tf.memory().numTensors).toBe(tensorsBefore + 2 * model.parameters().length);
    const evaluations = events.filter((e) => e.type === 'evaluation');
    const steps = events.filter((e) => e.type === 'step');
    expect(result.reason).toBe('diverged');
    expect(trainer.state.step).toBeLessThan(80);
    // The best checkpoint only ever improves, and it is the evaluation with the lowest loss.
    for (let i = 1; i < best.length; i++) expect(best[i]!.loss).toBeLessThan(best[i - 1]!.loss);
    const lowest = evaluations.reduce((a, b) => (b.loss < a.loss ? b : a));
    expect(best.at(-1)!.step).toBe(lowest.step);
    expect(best.map((b) => b.step)).toEqual(
      evaluations.filter((e) => e.improved).map((e) => e.step),
    );
    // The weights now in the model are that checkpoint's, and the stop event says so.
    expect(result.restoredBest).toEqual({ step: lowest.step, metric: 'loss', value: lowest.loss });
    expect(readWeights()).toEqual(best.at(-1)!.weights);
    const stop = events.at(-1)!;
    expect(stop).toMatchObject({
      type: 'stop',
      reason: 'diverged',
      restoredBest: result.restoredBest,
    });
    expect(result.message).toMatch(
      new RegExp(
        `^the training loss has been above .* for 10 steps; .*Restored the weights of step ${lowest.step}, the best evaluation`,
      ),
    );
    // No resume checkpoint was written while the loss was above the threshold.
    const threshold = 2 * Math.max(steps[0]!.loss, lnV);
    for (const step of resumeSaves) expect(steps[step - 1]!.loss).toBeLessThanOrEqual(threshold);
    trainer.dispose();
    model.dispose();
  }, 120_000);
});
