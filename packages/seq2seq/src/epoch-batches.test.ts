import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/leaks';
import { tinyConfig, tinyExamples } from '../test/tiny-task';
import type { Example } from './batch';
import { Seq2Seq } from './seq2seq';
import { Trainer } from './trainer';

const train = tinyExamples(11, 5);

/** Batches of uneven sizes that differ by epoch, as length buckets would. */
function batchesOf(epoch: number): number[][] {
  const order = Array.from({ length: 11 }, (_, i) => (i * (epoch + 3)) % 11);
  return [order.slice(0, 4), order.slice(4, 7), order.slice(7, 10), order.slice(10)];
}

/** Runs `fit` and records which training examples each step used, by index. */
async function stepsSeen(trainer: Trainer, maxSteps: number): Promise<number[][]> {
  const seen: number[][] = [];
  const original = trainer.trainStep.bind(trainer);
  trainer.trainStep = (examples: readonly Example[]) => {
    seen.push(examples.map((e) => train.indexOf(e)));
    return original(examples);
  };
  await trainer.fit({ train, maxSteps, batches: batchesOf });
  return seen;
}

describe("fit's batches option (length buckets)", () => {
  it('trains on the given batches in order, one epoch per batch list, and leaks nothing', async () => {
    // Adam's moments live as long as the trainer: counted from before it, to after its dispose.
    await expectNoLeaks(async () => {
      const model = new Seq2Seq(tinyConfig({ cell: 'gru', hiddenSize: 6 }));
      const trainer = new Trainer(model, { batchSize: 4, seed: 3 });
      const seen = await stepsSeen(trainer, 6);
      expect(seen).toEqual([...batchesOf(0), ...batchesOf(1).slice(0, 2)]);
      expect(trainer.state).toMatchObject({ step: 6, epoch: 1, batchInEpoch: 2 });
      // Every example once in the first epoch.
      expect(
        seen
          .slice(0, 4)
          .flat()
          .sort((a, b) => a - b),
      ).toEqual([...Array(11).keys()]);
      trainer.dispose();
      model.dispose();
    });
  });

  it('a resumed run continues at the saved batch, as one uninterrupted run would', async () => {
    const whole = new Trainer(new Seq2Seq(tinyConfig({ hiddenSize: 6 })), { batchSize: 4 });
    const straight = await stepsSeen(whole, 7);
    const first = new Trainer(new Seq2Seq(tinyConfig({ hiddenSize: 6 })), { batchSize: 4 });
    const before = await stepsSeen(first, 3);
    const second = new Trainer(new Seq2Seq(tinyConfig({ hiddenSize: 6 })), { batchSize: 4 });
    second.state = structuredClone(first.state);
    const after = await stepsSeen(second, 7);
    expect([...before, ...after]).toEqual(straight);
    for (const t of [whole, first, second]) {
      t.dispose();
      t.model.dispose();
    }
  });

  it('refuses bad batches naming the epoch, the batch and the index', async () => {
    const model = new Seq2Seq(tinyConfig({ hiddenSize: 6 }));
    const trainer = new Trainer(model, { batchSize: 4 });
    const before = tf.memory().numTensors;
    await expect(
      trainer.fit({ train, maxSteps: 2, batches: () => [[0, 1], [11]] }),
    ).rejects.toThrow('Trainer.fit: batches(0)[1] holds 11, expected indices of train in [0, 11)');
    await expect(trainer.fit({ train, maxSteps: 2, batches: () => [[0], []] })).rejects.toThrow(
      'Trainer.fit: batches(0)[1] must be a non-empty array of example indices',
    );
    await expect(trainer.fit({ train, maxSteps: 2, batches: 'buckets' as never })).rejects.toThrow(
      'Trainer.fit: batches must be a function, got',
    );
    expect(trainer.state.step).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
    model.dispose();
  });
});
