import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { tinyConfig, tinyExamples } from '../test/tiny-task';
import {
  type CheckpointFiles,
  loadModel,
  loadTraining,
  saveModel,
  saveTraining,
} from './checkpoint';
import type { LearningRateSchedule } from './schedule';
import { learningRateAt } from './schedule';
import { Seq2Seq } from './seq2seq';
import { Trainer, type TrainingEvent } from './trainer';

/** Records the learning rate each optimiser update is given. */
function recordRates(trainer: Trainer): number[] {
  const used: number[] = [];
  const apply = trainer.optimizer.apply.bind(trainer.optimizer);
  trainer.optimizer.apply = (parameters, grads, learningRate) => {
    used.push(learningRate);
    apply(parameters, grads, learningRate);
  };
  return used;
}

function weightsOf(model: Seq2Seq): Record<string, Float32Array> {
  return Object.fromEntries(
    model.namedParameters().map(([name, v]) => [name, v.dataSync() as Float32Array]),
  );
}

describe('the step event reports the learning rate of the update it reports', () => {
  it('warm-up then cosine: step k used the rate for update k − 1 (0-based)', async () => {
    const model = new Seq2Seq(tinyConfig({ hiddenSize: 6 }));
    const schedule: LearningRateSchedule = { type: 'warmup-cosine', warmupSteps: 3, totalSteps: 7 };
    const trainer = new Trainer(model, { batchSize: 3, learningRate: 0.02, schedule });
    const used = recordRates(trainer);
    const reported: Array<{ step: number; learningRate: number }> = [];
    await trainer.fit({
      train: tinyExamples(9, 1),
      maxSteps: 7,
      onProgress: (e) => e.type === 'step' && reported.push(e),
    });
    const expected = Array.from({ length: 7 }, (_, k) =>
      learningRateAt(schedule, 0.02, k, trainer.state.schedule),
    );
    expect(used).toEqual(expected);
    expect(reported.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(reported.map((e) => e.learningRate)).toEqual(used);
    // The first update is the warm-up's first: base / 3, not the next one's 2 · base / 3.
    expect(reported[0]!.learningRate).toBeCloseTo(0.02 / 3, 15);
    expect(trainer.learningRate).toBe(learningRateAt(schedule, 0.02, 7, trainer.state.schedule));
    trainer.dispose();
    model.dispose();
  });

  it('plateau: the rate cut by an evaluation shows from the next step on', async () => {
    const model = new Seq2Seq(tinyConfig({ hiddenSize: 6 }));
    // So small a rate never improves exact match: every evaluation after the first is a bad one.
    const trainer = new Trainer(model, {
      batchSize: 3,
      learningRate: 1e-9,
      schedule: { type: 'plateau', patience: 0, factor: 0.5 },
    });
    const used = recordRates(trainer);
    const events: TrainingEvent[] = [];
    await trainer.fit({
      train: tinyExamples(6, 1),
      validation: tinyExamples(3, 2),
      evaluateEvery: 2,
      maxSteps: 6,
      earlyStopping: { patience: 10, metric: 'exactMatch' },
      onProgress: (e) => events.push(e),
    });
    const steps = events.filter((e) => e.type === 'step');
    expect(steps.map((e) => e.learningRate)).toEqual(used);
    // Evaluations at steps 2 (the first: best), 4 (bad: halve), 6 (bad: halve again).
    expect(used).toEqual([1e-9, 1e-9, 1e-9, 1e-9, 5e-10, 5e-10]);
    expect(trainer.learningRate).toBe(2.5e-10);
    trainer.dispose();
    model.dispose();
  });
});

describe('weight decay through the trainer (adam.weightDecay)', () => {
  it('is off by default, and on it decays each weight by lr · λ · θ before the Adam step', () => {
    const plain = new Seq2Seq(tinyConfig({ cell: 'gru', hiddenSize: 6 }));
    const decayed = new Seq2Seq(tinyConfig({ cell: 'gru', hiddenSize: 6 }));
    const before = weightsOf(plain);
    const lr = 0.01;
    const a = new Trainer(plain, { batchSize: 3, learningRate: lr });
    const b = new Trainer(decayed, { batchSize: 3, learningRate: lr, adam: { weightDecay: 0.3 } });
    expect(a.optimizer.weightDecay).toBe(0);
    expect(b.optimizer.weightDecay).toBe(0.3);
    const batch = tinyExamples(3, 4);
    a.trainStep(batch);
    b.trainStep(batch);
    const afterPlain = weightsOf(plain);
    const afterDecayed = weightsOf(decayed);
    let worst = 0;
    let moved = 0;
    for (const [name, theta] of Object.entries(before))
      theta.forEach((t, i) => {
        const expected = afterPlain[name]![i]! - lr * 0.3 * t;
        worst = Math.max(worst, Math.abs(afterDecayed[name]![i]! - expected));
        moved = Math.max(moved, Math.abs(afterDecayed[name]![i]! - afterPlain[name]![i]!));
      });
    expect(worst).toBeLessThan(1e-6);
    expect(moved).toBeGreaterThan(1e-4);
    for (const t of [a, b]) t.dispose();
    plain.dispose();
    decayed.dispose();
  });

  it('is saved with a training checkpoint and resumed', () => {
    const model = new Seq2Seq(tinyConfig({ hiddenSize: 6 }));
    const trainer = new Trainer(model, { batchSize: 3, adam: { weightDecay: 0.05 } });
    trainer.trainStep(tinyExamples(3, 1));
    const { trainer: resumed } = loadTraining(saveTraining(trainer));
    expect(resumed.options.adam).toEqual({ weightDecay: 0.05 });
    expect(resumed.optimizer.weightDecay).toBe(0.05);
    for (const t of [trainer, resumed]) {
      t.dispose();
      t.model.dispose();
    }
  });

  it('refuses a negative weight decay, naming it', () => {
    const model = new Seq2Seq(tinyConfig({ hiddenSize: 6 }));
    expect(() => new Trainer(model, { adam: { weightDecay: -0.01 } })).toThrow(
      'Trainer: adam.weightDecay must be ≥ 0, got -0.01',
    );
    model.dispose();
  });
});

describe('early stopping keeps the best checkpoint and hands back its weights', () => {
  it('the model ends with the weights of the last best checkpoint written, never a worse one', async () => {
    const model = new Seq2Seq(tinyConfig({ cell: 'gru', hiddenSize: 6 }));
    const trainer = new Trainer(model, { batchSize: 3, learningRate: 0.1, seed: 7 });
    const bestSaves: Array<{ step: number; loss: number; files: CheckpointFiles }> = [];
    const evaluations: Array<{ step: number; loss: number }> = [];
    const before = tf.memory().numTensors;
    const result = await trainer.fit({
      train: tinyExamples(9, 1),
      validation: tinyExamples(5, 3),
      evaluateEvery: 1,
      maxSteps: 40,
      earlyStopping: { patience: 2 },
      onProgress: (e) => e.type === 'evaluation' && evaluations.push(e),
      onBestCheckpoint: (t) => {
        const loss = t.state.history.at(-1)!.loss;
        bestSaves.push({ step: t.state.step, loss, files: saveModel(t.model) });
      },
    });
    expect(result.reason).toBe('earlyStopping');
    // The copy of the best weights is freed; Adam's moments stay.
    expect(tf.memory().numTensors).toBe(before + 2 * model.parameters().length);
    const lowest = evaluations.reduce((x, y) => (y.loss < x.loss ? y : x));
    for (let i = 1; i < bestSaves.length; i++)
      expect(bestSaves[i]!.loss).toBeLessThan(bestSaves[i - 1]!.loss);
    const last = bestSaves.at(-1)!;
    expect(last.step).toBe(lowest.step);
    expect(result.restoredBest).toEqual({ step: lowest.step, metric: 'loss', value: lowest.loss });
    expect(trainer.state.bestStep).toBe(lowest.step);
    const { model: saved } = loadModel(last.files);
    expect(weightsOf(model)).toEqual(weightsOf(saved));
    saved.dispose();
    trainer.dispose();
    model.dispose();
  });
});
