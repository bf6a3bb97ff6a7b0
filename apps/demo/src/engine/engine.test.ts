import { gradientNormsByDistance, recallBatch, recallClassifier } from '@gated/models';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { beltJob, lossGradientByDistance } from './belt';
import { countParameters, gradientNorms } from './gradient-norms';
import { BOTTLENECK_LENGTHS, bottleneckJob, compareJob } from './jobs';
import type { JobEvent } from './protocol';

function expectNoLeaks<T>(run: () => T): T {
  const before = tf.memory().numTensors;
  const result = run();
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

describe('analysis for the LSTM and GRU sections', () => {
  it('counts parameters from real layers: 6400 / 4800 / 1600 at 16 → 32', () => {
    expect(expectNoLeaks(() => countParameters(16, 32))).toEqual({
      rnn: 1600,
      lstm: 6400,
      gru: 4800,
    });
    expect(() => countParameters(0, 32)).toThrow(
      'inputSize must be an integer from 1 to 512, got 0',
    );
  });

  it('charts the gradient norms of RNN, LSTM and GRU at every distance (seed 5, batch 4)', () => {
    const norms = expectNoLeaks(() => gradientNorms(5));
    expect(norms.distances).toEqual([0, 1, 2, 3, 4]);
    for (const kind of ['rnn', 'lstm', 'gru'] as const)
      expect(norms[kind]).toEqual(gradientNormsByDistance(kind, { length: 5, seed: 5, batch: 4 }));
  });

  it('trains LSTM and GRU side by side, stops when asked, and leaves no tensors', async () => {
    const before = tf.memory().numTensors;
    const events: JobEvent[] = [];
    const controller = new AbortController();
    const spec = { kind: 'compare', inputSize: 3, hiddenSize: 5, distance: 4, steps: 50 } as const;
    const result = await compareJob(
      spec,
      (event) => {
        events.push(event);
        if (event.kind === 'compare' && event.step === 7) controller.abort();
      },
      controller.signal,
    );
    expect(result).toEqual({ reason: 'stopped', steps: 7 });
    const steps = events.filter((e) => e.kind === 'compare');
    expect(steps.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const e of steps) {
      expect(Number.isFinite(e.lstm.loss) && Number.isFinite(e.gru.loss)).toBe(true);
      expect(e.lstm.milliseconds).toBeGreaterThan(0);
    }
    expect(tf.memory().numTensors).toBe(before);
    await expect(compareJob({ ...spec, distance: 0 }, () => {}, controller.signal)).rejects.toThrow(
      'distance must be an integer from 1 to 200, got 0',
    );
  });

  it('trains the bottleneck model, reports exact match per length at the last step, and leaves no tensors', async () => {
    const before = tf.memory().numTensors;
    const events: JobEvent[] = [];
    const result = await bottleneckJob(
      { kind: 'bottleneck', reverseSource: true, attention: false, steps: 3 },
      (event) => events.push(event),
      new AbortController().signal,
    );
    expect(result).toEqual({ reason: 'finished', steps: 3 });
    expect(events.filter((e) => e.kind === 'loss').map((e) => e.step)).toEqual([1, 2, 3]);
    const report = events.find((e) => e.kind === 'exact-by-length');
    expect(report).toMatchObject({ step: 3, lengths: BOTTLENECK_LENGTHS });
    if (report?.kind !== 'exact-by-length') throw new Error('no exact-match report');
    // Three steps cannot teach a copy: every length's 16 test sequences come out wrong.
    expect(report.exactMatch).toEqual(Array(12).fill(0));
    // One example per length, the source written as its symbols.
    expect(report.examples).toHaveLength(12);
    expect(report.examples[0]!.source.split(' ')).toHaveLength(3);
    expect(report.examples[11]!.source.split(' ')).toHaveLength(14);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains the bottleneck task with attention too, leaving no tensors', async () => {
    const before = tf.memory().numTensors;
    const events: JobEvent[] = [];
    await bottleneckJob(
      { kind: 'bottleneck', reverseSource: false, attention: true, steps: 2 },
      (event) => events.push(event),
      new AbortController().signal,
    );
    const losses = events.filter((e) => e.kind === 'loss');
    expect(losses).toHaveLength(2);
    expect(events.some((e) => e.kind === 'exact-by-length')).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the belt job', () => {
  it('measures loss gradients before and after training, and the trained gates, leaving no tensors', async () => {
    const before = tf.memory().numTensors;
    const events: JobEvent[] = [];
    const result = await beltJob(
      { kind: 'belt', distance: 5, steps: 3 },
      (event) => events.push(event),
      new AbortController().signal,
    );
    expect(result).toEqual({ reason: 'finished', steps: 3 });
    expect(events.filter((e) => e.kind === 'belt-step').map((e) => e.step)).toEqual([1, 2, 3]);
    const last = events.at(-1);
    if (last?.kind !== 'belt-result') throw new Error('no belt result');
    const { result: belt } = last;
    expect(belt.distances).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const kind of ['rnn', 'lstm', 'gru'] as const) {
      expect(belt.untrained[kind]).toHaveLength(7);
      expect(belt.trained[kind]).toHaveLength(7);
      expect(belt.trained[kind].every((v) => Number.isFinite(v) && v > 0)).toBe(true);
      // Three Adam steps change the weights, so the gradients change.
      expect(belt.trained[kind]).not.toEqual(belt.untrained[kind]);
    }
    expect(belt.gates.forget).toHaveLength(7); // [T][H]
    expect(belt.gates.reset[0]).toHaveLength(32);
    expect(belt.gates.update[0]).toHaveLength(32);
    expect(belt.forgetAbove09).toBeGreaterThanOrEqual(0);
    expect(belt.forgetMean).toBeCloseTo(
      belt.gates.forget.flat().reduce((s, v) => s + v, 0) / (7 * 32),
      9,
    );
    expect(tf.memory().numTensors).toBe(before);
    await expect(
      beltJob({ kind: 'belt', distance: 1, steps: 3 }, () => {}, new AbortController().signal),
    ).rejects.toThrow('distance must be an integer from 2 to 60, got 1');
  });

  it('computes the loss gradient by distance for a known layer: the last input gets the most for an RNN', () => {
    const model = recallClassifier({ cell: 'rnn', embeddingSize: 3, hiddenSize: 5, seed: 7 });
    const norms = lossGradientByDistance(model, recallBatch(9, 20, 3));
    expect(norms).toHaveLength(22);
    // A plain tanh RNN at initialisation: the gradient fades with distance (Bengio et al. 1994).
    expect(norms[21]!).toBeLessThan(norms[0]!);
    model.dispose();
  });
});
