import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadClassifier, saveClassifier } from './classifier-training';
import { countParameters, gradientNorms } from './gradient-norms';
import { BOTTLENECK_LENGTHS, bottleneckJob, compareJob } from './jobs';
import type { JobEvent } from './protocol';
import { parseRecallSequence, RECALL_TOKENS, recallBatch } from './recall-data';
import { SequenceClassifier } from './sequence-classifier';

function expectNoLeaks<T>(run: () => T): T {
  const before = tf.memory().numTensors;
  const result = run();
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

describe('recall data', () => {
  it('parses typed sequences, adds the missing ?, and names a bad token', () => {
    expect(parseRecallSequence(' K2, x1  x4 ?')).toEqual([2, 5, 8, 10]);
    expect(parseRecallSequence('K0 x5')).toEqual([0, 9, 10]);
    expect(() => parseRecallSequence('K2 x1 y7')).toThrow(
      'Token 3 is "y7"; expected one of K0–K3, x0–x5 or ?',
    );
    expect(() => parseRecallSequence('   ')).toThrow('Type a sequence');
  });

  it('labels each example with its key, at the requested distance', () => {
    const batch = recallBatch(5, 7, 3);
    for (const [i, tokens] of batch.tokens.entries()) {
      expect(tokens).toHaveLength(9);
      expect(RECALL_TOKENS[tokens[0]!]).toBe(`K${batch.labels[i]}`);
      expect(RECALL_TOKENS[tokens[8]!]).toBe('?');
    }
  });
});

describe('SequenceClassifier', () => {
  const config = { vocabSize: 11, embeddingSize: 3, hiddenSize: 5, classes: 4, seed: 9 } as const;

  it('traces every LSTM gate per step for the first sequence, leaving no tensors', () => {
    const model = new SequenceClassifier({ ...config, cell: 'lstm' });
    const tokens = tf.tensor2d(
      [
        [0, 4, 5, 10],
        [1, 4, 6, 10],
      ],
      undefined,
      'int32',
    ) as tf.Tensor2D;
    const { logits, gates } = expectNoLeaks(() => model.trace(tokens));
    expect(Object.keys(gates).sort()).toEqual(
      ['cell', 'cellState', 'forget', 'hidden', 'input', 'output'].sort(),
    );
    for (const values of Object.values(gates)) {
      expect(values).toHaveLength(4);
      for (const step of values) expect(step).toHaveLength(5);
    }
    // The traced gates are the LSTM's (Hochreiter & Schmidhuber 1997, with a forget gate):
    // c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t and h_t = o_t ⊙ tanh(c_t), from c_{−1} = 0.
    const { forget, input, cell, output, cellState, hidden } = gates as Record<string, number[][]>;
    for (let t = 0; t < 4; t++)
      for (let u = 0; u < 5; u++) {
        const previous = t === 0 ? 0 : cellState![t - 1]![u]!;
        const c = forget![t]![u]! * previous + input![t]![u]! * cell![t]![u]!;
        expect(cellState![t]![u]!).toBeCloseTo(c, 5);
        expect(hidden![t]![u]!).toBeCloseTo(output![t]![u]! * Math.tanh(c), 5);
      }
    // the traced logits equal the fused forward pass's, for the traced (first) sequence
    const fused = model.forward(tokens);
    const fusedFirst = (fused.arraySync() as number[][])[0]!;
    expect(logits[0]).toHaveLength(4);
    for (const [k, value] of logits[0]!.entries()) expect(fusedFirst[k]).toBeCloseTo(value, 5);
    tf.dispose([tokens, fused]);
    model.dispose();
  });

  it('saves and loads to identical outputs, and refuses what is not a classifier', () => {
    const model = new SequenceClassifier({ ...config, cell: 'gru' });
    const files = saveClassifier(model, { note: 'x' });
    const { model: loaded, extra } = loadClassifier<{ note: string }>(
      files['config.json'],
      files['weights.safetensors'],
    );
    expect(extra.note).toBe('x');
    const tokens = tf.tensor2d([[3, 4, 10]], undefined, 'int32') as tf.Tensor2D;
    const [a, b] = [model.forward(tokens), loaded.forward(tokens)];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([tokens, a, b]);
    expect(() =>
      loadClassifier('{"format":"gated-seq2seq"}', files['weights.safetensors']),
    ).toThrow(
      'loadClassifier: expected a gated-classifier manifest, version 1, got format "gated-seq2seq" version undefined',
    );
    const before = tf.memory().numTensors;
    const wider = JSON.stringify({
      ...JSON.parse(files['config.json']),
      config: { ...config, cell: 'gru', hiddenSize: 6 },
    });
    expect(() => loadClassifier(wider, files['weights.safetensors'])).toThrow(/shape/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    loaded.dispose();
  });
});

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

  it('gradient norms fall with distance, fastest in the plain RNN', () => {
    const norms = expectNoLeaks(() => gradientNorms(31));
    expect(norms.distances).toHaveLength(31);
    for (const name of ['rnn', 'lstm', 'gru'] as const) {
      expect(norms[name][30]!).toBeLessThan(norms[name][0]! * 1e-2);
    }
    expect(norms.rnn[30]! / norms.rnn[0]!).toBeLessThan(norms.lstm[30]! / norms.lstm[0]!);
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
      { kind: 'bottleneck', reverseSource: true, steps: 3 },
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
    expect(tf.memory().numTensors).toBe(before);
  });
});
