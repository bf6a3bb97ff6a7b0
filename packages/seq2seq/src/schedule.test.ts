import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { tinyConfig, tinyExamples } from '../test/tiny-task';
import type { TrainingEvent } from './fit-options';
import { afterEvaluation, initialScheduleState, learningRateAt } from './schedule';
import { Seq2Seq } from './seq2seq';
import { Trainer } from './trainer';

describe('learning-rate schedules', () => {
  const state = initialScheduleState();

  it('warmup-cosine: linear warm-up, then cosine down to minFactor', () => {
    const schedule = {
      type: 'warmup-cosine',
      warmupSteps: 4,
      totalSteps: 14,
      minFactor: 0.1,
    } as const;
    expect([0, 1, 3].map((step) => learningRateAt(schedule, 1, step, state))).toEqual([
      0.25, 0.5, 1,
    ]);
    expect(learningRateAt(schedule, 1, 4, state)).toBeCloseTo(1, 12);
    expect(learningRateAt(schedule, 1, 9, state)).toBeCloseTo(0.1 + 0.9 * 0.5, 12); // halfway: cos(π/2) = 0
    expect(learningRateAt(schedule, 1, 14, state)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(schedule, 1, 100, state)).toBeCloseTo(0.1, 12);
  });

  it('plateau: halves after `patience` evaluations without improvement, not below minFactor', () => {
    const schedule = { type: 'plateau', factor: 0.5, patience: 1, minFactor: 0.2 } as const;
    let s = afterEvaluation(schedule, state, false);
    expect(s).toEqual({ factor: 1, badEvaluations: 1 });
    s = afterEvaluation(schedule, s, false);
    expect(s).toEqual({ factor: 0.5, badEvaluations: 0 });
    expect(learningRateAt(schedule, 2e-3, 123, s)).toBeCloseTo(1e-3, 15);
    s = afterEvaluation(schedule, afterEvaluation(schedule, s, false), false);
    s = afterEvaluation(schedule, afterEvaluation(schedule, s, false), false);
    expect(s.factor).toBe(0.2);
    expect(afterEvaluation(schedule, { factor: 0.5, badEvaluations: 1 }, true)).toEqual({
      factor: 0.5,
      badEvaluations: 0,
    });
  });
});

describe('early stopping', () => {
  it('stops after `patience` evaluations without improvement of the metric', async () => {
    const model = new Seq2Seq(tinyConfig());
    // A learning rate this small cannot move exact match off zero: every evaluation after the first fails to improve.
    const trainer = new Trainer(model, { batchSize: 4, learningRate: 1e-9 });
    const events: string[] = [];
    const { reason, state } = await trainer.fit({
      train: tinyExamples(8, 1),
      validation: tinyExamples(4, 2),
      evaluateEvery: 1,
      maxSteps: 50,
      earlyStopping: { patience: 2, metric: 'exactMatch' },
      onProgress: (e) => events.push(e.type),
    });
    expect(reason).toBe('earlyStopping');
    expect(state.step).toBe(3); // evaluation 1 sets the best, 2 and 3 do not improve on it
    expect(state.history).toHaveLength(3);
    expect(events.at(-1)).toBe('stop');
    trainer.dispose();
    model.dispose();
  });

  it('rolls the weights back to the best evaluation and says so in the stop event', async () => {
    const model = new Seq2Seq(tinyConfig({ cell: 'gru', hiddenSize: 6 }));
    const trainer = new Trainer(model, { batchSize: 3, learningRate: 0.1, seed: 7 });
    const weightsAt = new Map<number, Record<string, number[]>>();
    const evaluations: Array<{ step: number; loss: number }> = [];
    let stop: TrainingEvent | undefined;
    const before = tf.memory().numTensors;
    const result = await trainer.fit({
      train: tinyExamples(9, 1),
      validation: tinyExamples(5, 3),
      evaluateEvery: 1,
      maxSteps: 40,
      earlyStopping: { patience: 2 },
      onProgress: (e) => {
        if (e.type === 'stop') stop = e;
        if (e.type !== 'evaluation') return;
        evaluations.push({ step: e.step, loss: e.loss });
        weightsAt.set(e.step, weightsOf(model));
      },
    });
    expect(tf.memory().numTensors).toBe(before + 2 * model.parameters().length); // Adam's moments
    expect(result.reason).toBe('earlyStopping');
    const best = evaluations.reduce((a, b) => (b.loss < a.loss ? b : a));
    expect(best.step).toBe(trainer.state.step - 2); // `patience` evaluations after the best
    expect(weightsOf(model)).toEqual(weightsAt.get(best.step));
    expect(weightsOf(model)).not.toEqual(weightsAt.get(trainer.state.step));
    expect(result.restoredBest).toEqual({ step: best.step, metric: 'loss', value: best.loss });
    expect(stop).toMatchObject({
      type: 'stop',
      reason: 'earlyStopping',
      restoredBest: result.restoredBest,
    });
    expect(result.message).toBe(
      `no improvement of the validation loss in 2 evaluations. Restored the weights of step ${best.step}, the best evaluation of this fit (validation loss ${best.loss.toPrecision(4)}).`,
    );
    trainer.dispose();
    model.dispose();
  });

  it('keeps the last weights with restoreBest: false', async () => {
    const model = new Seq2Seq(tinyConfig({ cell: 'gru', hiddenSize: 6 }));
    const trainer = new Trainer(model, { batchSize: 3, learningRate: 0.1, seed: 7 });
    let last: Record<string, number[]> | undefined;
    const result = await trainer.fit({
      train: tinyExamples(9, 1),
      validation: tinyExamples(5, 3),
      evaluateEvery: 1,
      maxSteps: 40,
      earlyStopping: { patience: 2 },
      restoreBest: false,
      onProgress: (e) => {
        if (e.type === 'evaluation') last = weightsOf(model);
      },
    });
    expect(result.reason).toBe('earlyStopping');
    expect(result.restoredBest).toBeUndefined();
    expect(weightsOf(model)).toEqual(last);
    trainer.dispose();
    model.dispose();
  });
});

function weightsOf(model: Seq2Seq): Record<string, number[]> {
  return Object.fromEntries(
    model.namedParameters().map(([name, v]) => [name, Array.from(v.dataSync())]),
  );
}
