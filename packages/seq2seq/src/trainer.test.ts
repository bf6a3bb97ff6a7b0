import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/leaks';
import { tinyConfig, tinyExamples } from '../test/tiny-task';
import type { TrainingBatch } from './batch';
import { nonFiniteNames } from './finite';
import { Seq2Seq } from './seq2seq';
import { Trainer, TrainingDivergedError } from './trainer';

const train = tinyExamples(9, 1);

/** Copies of the weights and Adam's moments, to compare before and after a refused step. */
function snapshot(trainer: Trainer): Record<string, Float32Array> {
  const dicts = [trainer.model.stateDict(), trainer.optimizer.stateDict()];
  const values: Record<string, Float32Array> = {};
  for (const dict of dicts)
    for (const [name, tensor] of Object.entries(dict))
      values[name] = tensor.dataSync() as Float32Array;
  tf.dispose(dicts.flatMap((d) => Object.values(d)));
  return values;
}

/** Makes the model's logits pass their gradient on multiplied by `factor` (NaN, 1e25, …). */
function scaleLogitGradients(model: Seq2Seq, factor: number): void {
  const scale = tf.customGrad((x) => ({
    value: tf.mul(x as tf.Tensor, 1),
    gradFunc: (dy: tf.Tensor) => tf.mul(dy, factor),
  }));
  const original = model.teacherForcedLogits.bind(model);
  model.teacherForcedLogits = (batch: TrainingBatch, options) =>
    scale(original(batch, options)) as tf.Tensor3D;
}

describe('a step with non-finite values is refused before it changes anything', () => {
  it('NaN gradients (with a finite loss): weights, moments and step count stay; nothing leaks', async () => {
    const model = new Seq2Seq(tinyConfig({ cell: 'gru', hiddenSize: 6 }));
    const trainer = new Trainer(model, { batchSize: 3, learningRate: 1e-2 });
    trainer.trainStep(train.slice(0, 3)); // Adam's moments exist from here on
    const before = snapshot(trainer);
    scaleLogitGradients(model, Number.NaN);
    await expectNoLeaks(() => {
      let error: unknown;
      try {
        trainer.trainStep(train.slice(3, 6));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TrainingDivergedError);
      expect((error as TrainingDivergedError).reason).toBe('nonFiniteGradients');
      expect((error as Error).message).toMatch(
        /^Trainer: the gradient norm became NaN \(in .*decoder\.output\.projection\.weight.*\) at step 1 \(epoch 0\); training stopped before that update/,
      );
    });
    expect(snapshot(trainer)).toEqual(before);
    expect(trainer.state.step).toBe(1);
    expect(trainer.optimizer.step).toBe(1);
    trainer.dispose();
    model.dispose();
  });

  it('fit stops with reason nonFiniteGradients in the stop event and never saves', async () => {
    const model = new Seq2Seq(tinyConfig({ cell: 'rnn', hiddenSize: 6, attention: 'none' }));
    const trainer = new Trainer(model, { batchSize: 3 });
    scaleLogitGradients(model, Number.POSITIVE_INFINITY);
    const stops: string[] = [];
    let saves = 0;
    await expect(
      trainer.fit({
        train,
        maxSteps: 5,
        onProgress: (e) => e.type === 'stop' && stops.push(e.reason),
        onCheckpoint: () => {
          saves += 1;
        },
      }),
    ).rejects.toMatchObject({ reason: 'nonFiniteGradients' });
    expect(stops).toEqual(['nonFiniteGradients']);
    expect(saves).toBe(0);
    expect(trainer.state.step).toBe(0);
    trainer.dispose();
    model.dispose();
  });

  it('a gradient norm beyond float32 is still clipped: finite norm, finite moments', () => {
    const model = new Seq2Seq(tinyConfig({ cell: 'lstm', hiddenSize: 6 }));
    const trainer = new Trainer(model, { batchSize: 3, clipNorm: 5 });
    scaleLogitGradients(model, 1e25); // every gradient ×1e25: Σg² overflows float32
    const { gradNorm } = trainer.trainStep(train.slice(0, 3));
    expect(gradNorm).toBeGreaterThan(1e24);
    expect(Number.isFinite(gradNorm)).toBe(true);
    const moments = trainer.optimizer.stateDict();
    expect(nonFiniteNames(Object.entries(moments))).toEqual([]);
    tf.dispose(Object.values(moments));
    trainer.dispose();
    model.dispose();
  });

  it('an update that would overflow the weights (learning rate 1e38) is refused; no checkpoint gets NaN', async () => {
    const model = new Seq2Seq(tinyConfig({ hiddenSize: 6 }));
    const trainer = new Trainer(model, { batchSize: 3, learningRate: 1e38 });
    const before = snapshot(trainer);
    const saved: string[][] = [];
    const events: string[] = [];
    await expectNoLeaks(async () => {
      await expect(
        trainer.fit({
          train,
          validation: train.slice(0, 3),
          evaluateEvery: 1,
          maxSteps: 3,
          onProgress: (e) => events.push(e.type === 'stop' ? e.reason : e.type),
          onCheckpoint: (t) => {
            saved.push(nonFiniteNames(t.model.namedParameters()));
          },
        }),
      ).rejects.toThrow(/the update \(learning rate 1e\+38\) would make .* non-finite at step 0/);
    });
    expect(events).toEqual(['nonFiniteWeights']);
    expect(saved).toEqual([]);
    expect(snapshot(trainer)).toEqual(before);
    trainer.dispose();
    model.dispose();
  });

  it('weights that turn non-finite between steps are never handed to a checkpoint', async () => {
    const model = new Seq2Seq(tinyConfig({ sourceVocabSize: 13, hiddenSize: 6 }));
    const trainer = new Trainer(model, { batchSize: 3 });
    const saved: string[][] = [];
    const stops: string[] = [];
    await expect(
      trainer.fit({
        train,
        validation: train.slice(0, 3),
        evaluateEvery: 2,
        maxSteps: 6,
        onProgress: (e) => {
          if (e.type === 'stop') stops.push(e.message);
          // Row 12 of the source embedding is never looked up (the data uses ids 3..10), so the
          // loss stays finite: only the check before saving can see it.
          if (e.type === 'step' && e.step === 4) {
            const weight = model.encoder.embedding.weight;
            const broken = tf.tidy(() =>
              tf.where(
                tf.equal(tf.range(0, 13).reshape([13, 1]), 12),
                tf.fill(weight.shape, Number.NaN),
                weight,
              ),
            );
            weight.assign(broken);
            broken.dispose();
          }
        },
        onCheckpoint: (t) => {
          saved.push(nonFiniteNames(t.model.namedParameters()));
        },
      }),
    ).rejects.toMatchObject({ reason: 'nonFiniteWeights' });
    expect(saved).toEqual([[]]); // step 2's; step 4's was refused
    expect(stops).toHaveLength(1);
    expect(stops[0]).toMatch(
      /^Trainer: encoder\.embedding\.weight held non-finite values at step 4; no checkpoint was saved from them/,
    );
    trainer.dispose();
    model.dispose();
  });
});

describe('refused calls leak nothing', () => {
  it('trainStep with a target id outside the vocabulary', () => {
    const model = new Seq2Seq(tinyConfig({ hiddenSize: 6 }));
    const trainer = new Trainer(model);
    const before = tf.memory().numTensors;
    const messages: string[] = [];
    for (const examples of [
      [
        { source: [3, 4], target: [5] },
        { source: [3], target: [99] },
      ],
      [],
    ])
      for (let i = 0; i < 3; i++) {
        try {
          trainer.trainStep(examples);
        } catch (error) {
          messages.push((error as Error).message);
        }
      }
    expect(tf.memory().numTensors).toBe(before);
    expect(new Set(messages)).toEqual(
      new Set([
        'Trainer.trainStep: examples[1].target holds 99, expected token ids in [0, 11)',
        'Trainer.trainStep: examples must hold at least one example, got an array of 0',
      ]),
    );
    trainer.dispose();
    model.dispose();
  });

  it('fit refuses bad data at the start, not at the step that draws it', async () => {
    const model = new Seq2Seq(tinyConfig({ hiddenSize: 6 }));
    const trainer = new Trainer(model);
    const data = [...train, { source: [3, 11], target: [4] }];
    await expectNoLeaks(async () => {
      await expect(trainer.fit({ train: data, maxSteps: 1 })).rejects.toThrow(
        'Trainer.fit: train[9].source holds 11, expected token ids in [0, 11)',
      );
    });
    expect(trainer.state.step).toBe(0);
    trainer.dispose();
    model.dispose();
  });
});
