import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/leaks';
import {
  classifierAccuracy,
  classifierStep,
  loadClassifier,
  saveClassifier,
} from './classifier-training';
import { recallBatch } from './recall-data';
import { recallClassifier } from './recall-model';
import { SequenceClassifier } from './sequence-classifier';

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

  it('a recall classifier trains on recall batches (finite losses, accuracy in [0, 1]), leaving no tensors', () => {
    const model = recallClassifier({ cell: 'gru', embeddingSize: 3, hiddenSize: 5, seed: 7 });
    // The saved config lists the recall vocabulary and keys, in the order of the shipped model's.
    expect(Object.keys(model.config)).toEqual([
      'cell',
      'vocabSize',
      'embeddingSize',
      'hiddenSize',
      'classes',
      'seed',
    ]);
    expect(model.config).toMatchObject({ vocabSize: 11, classes: 4 });
    const optimizer = tf.train.adam(3e-3);
    const before = tf.memory().numTensors;
    const losses = [1, 2, 3].map((seed) =>
      classifierStep(model, optimizer, recallBatch(8, 3, seed)),
    );
    for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
    // Adam's moments are made on the first step and kept; nothing else stays.
    const afterFirst = tf.memory().numTensors;
    classifierStep(model, optimizer, recallBatch(8, 3, 4));
    expect(tf.memory().numTensors).toBe(afterFirst);
    expect(afterFirst).toBeGreaterThan(before);
    const accuracy = expectNoLeaks(() => classifierAccuracy(model, recallBatch(16, 3, 99)));
    expect(accuracy).toBeGreaterThanOrEqual(0);
    expect(accuracy).toBeLessThanOrEqual(1);
    expect(accuracy * 16).toBe(Math.round(accuracy * 16));
    optimizer.dispose();
    model.dispose();
  });
});
