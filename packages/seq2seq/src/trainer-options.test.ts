import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/leaks';
import { tinyConfig, tinyExamples } from '../test/tiny-task';
import type { FitOptions } from './fit-options';
import { Seq2Seq } from './seq2seq';
import { Trainer, type TrainerOptions } from './trainer';

const model = new Seq2Seq(tinyConfig({ hiddenSize: 6 }));
const train = tinyExamples(5, 1);

describe('Trainer refuses every option it cannot train with, at construction', () => {
  it.each<[unknown, string]>([
    [
      { learningRate: Number.POSITIVE_INFINITY },
      'Trainer: learningRate must be a finite number, got Infinity',
    ],
    [{ learningRate: Number.NaN }, 'Trainer: learningRate must be a finite number, got NaN'],
    [{ learningRate: 0 }, 'Trainer: learningRate must be > 0, got 0'],
    [{ learningRate: -1 }, 'Trainer: learningRate must be > 0, got -1'],
    [
      { learningRate: '0.01' },
      "Trainer: learningRate must be a finite number, got '0.01' (a string)",
    ],
    [{ batchSize: 0 }, 'Trainer: batchSize must be a positive integer, got 0'],
    [{ batchSize: 2.5 }, 'Trainer: batchSize must be a positive integer, got 2.5'],
    [{ clipNorm: -1 }, 'Trainer: clipNorm must be ≥ 0 (0 turns clipping off), got -1'],
    [
      { clipNorm: Number.POSITIVE_INFINITY },
      'Trainer: clipNorm must be a finite number, got Infinity',
    ],
    [{ labelSmoothing: 1 }, 'Trainer: labelSmoothing must be in [0, 1), got 1'],
    [{ teacherForcing: 1.5 }, 'Trainer: teacherForcing must be in [0, 1], got 1.5'],
    [{ teacherForcing: true }, 'Trainer: teacherForcing must be a finite number, got true'],
    [{ seed: -1 }, 'Trainer: seed must be an integer ≥ 0, got -1'],
    [{ seed: 0.5 }, 'Trainer: seed must be an integer ≥ 0, got 0.5'],
    [
      { schedule: { type: 'linear' } },
      "Trainer: schedule.type must be 'constant', 'warmup-cosine' or 'plateau', got 'linear' (a string)",
    ],
    [
      { schedule: { type: 'warmup-cosine', warmupSteps: 10 } },
      'Trainer: schedule.totalSteps must be a positive integer, got undefined',
    ],
    [
      { schedule: { type: 'warmup-cosine', warmupSteps: -1, totalSteps: 5 } },
      'Trainer: schedule.warmupSteps must be an integer ≥ 0, got -1',
    ],
    [
      { schedule: { type: 'warmup-cosine', warmupSteps: 1, totalSteps: 5, minFactor: 2 } },
      'Trainer: schedule.minFactor must be in [0, 1], got 2',
    ],
    [
      { schedule: { type: 'plateau', factor: 1 } },
      'Trainer: schedule.factor must be in (0, 1), got 1',
    ],
    [
      { schedule: { type: 'plateau', pateince: 3 } },
      "Trainer: unknown schedule option 'pateince' (expected type, factor, patience, minFactor)",
    ],
    [{ adam: { beta1: 1 } }, 'Trainer: adam.beta1 must be in [0, 1), got 1'],
    [{ adam: { epsilon: 0 } }, 'Trainer: adam.epsilon must be > 0, got 0'],
    [{ divergence: { factor: 1 } }, 'Trainer: divergence.factor must be > 1, got 1'],
    [
      { divergence: { patience: 0 } },
      'Trainer: divergence.patience must be a positive integer, got 0',
    ],
    [
      { learnigRate: 0.1 },
      "Trainer: unknown option 'learnigRate' (expected batchSize, learningRate, schedule, clipNorm, labelSmoothing, teacherForcing, seed, adam, divergence)",
    ],
    [null, 'Trainer: options must be an object, got null'],
  ])('%j', async (options, message) => {
    await expectNoLeaks(() => {
      expect(() => new Trainer(model, options as TrainerOptions)).toThrow(message);
    });
  });

  it('accepts the defaults and resolves them', () => {
    const trainer = new Trainer(model);
    expect(trainer.options).toEqual({
      batchSize: 32,
      learningRate: 1e-3,
      schedule: { type: 'constant' },
      clipNorm: 5,
      labelSmoothing: 0,
      teacherForcing: 1,
      seed: 0,
      adam: {},
      divergence: { factor: 2, patience: 10 },
    });
    expect(new Trainer(model, { divergence: false }).options.divergence).toBe(false);
    trainer.dispose();
  });
});

describe('Trainer.fit refuses options that would not run or never stop', () => {
  const trainer = new Trainer(model, { batchSize: 5 });
  it.each<[Record<string, unknown>, string]>([
    [{ maxSteps: Number.NaN }, 'Trainer.fit: maxSteps must be an integer ≥ 0, got NaN'],
    [{ epochs: -1 }, 'Trainer.fit: epochs must be an integer ≥ 0, got -1'],
    [
      { maxSteps: 3, evaluateEvery: 0 },
      'Trainer.fit: evaluateEvery must be a positive integer, got 0',
    ],
    [{ timeBudgetMs: Number.NaN }, 'Trainer.fit: timeBudgetMs must be a finite number, got NaN'],
    [
      { earlyStopping: { patience: 2 } },
      'Trainer.fit: earlyStopping needs validation examples to evaluate on',
    ],
    [
      { earlyStopping: { patience: 0 }, validation: train },
      'Trainer.fit: earlyStopping.patience must be a positive integer, got 0',
    ],
    [
      { earlyStopping: { patience: 1, metric: 'bleu' }, validation: train },
      "Trainer.fit: earlyStopping.metric must be 'loss' or 'exactMatch', got 'bleu' (a string)",
    ],
    [
      { maxSteps: 3, onCheckpoint: 'runs/x' },
      "Trainer.fit: onCheckpoint must be a function, got 'runs/x' (a string)",
    ],
    [
      { maxSteps: 3, restoreBest: 'yes' },
      "Trainer.fit: restoreBest must be true or false, got 'yes' (a string)",
    ],
    [{ maxSteps: 3, maxStep: 3 }, "Trainer.fit: unknown option 'maxStep'"],
    [
      { maxSteps: 3, validation: [{ source: [3], target: [12] }] },
      'Trainer.fit: validation[0].target holds 12, expected token ids in [0, 11)',
    ],
    [
      {},
      'Trainer.fit: give epochs, maxSteps, timeBudgetMs or earlyStopping, or it would never stop',
    ],
  ])('%j', async (options, message) => {
    await expectNoLeaks(async () => {
      await expect(trainer.fit({ train, ...options } as FitOptions)).rejects.toThrow(message);
    });
    expect(trainer.state.step).toBe(0);
  });
});
