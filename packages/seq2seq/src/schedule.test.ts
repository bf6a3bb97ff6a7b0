import { describe, expect, it } from 'vitest';
import { tinyConfig, tinyExamples } from '../test/tiny-task';
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
});
