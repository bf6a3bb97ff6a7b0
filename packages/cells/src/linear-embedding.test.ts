import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  expectNoLeaks,
  loadTorchStateDict,
  maxAbsDiff,
  readFixture,
  type TensorJson,
  toTensor,
} from '../test/fixtures';
import { Embedding } from './embedding';
import { Linear } from './linear';

interface ModuleFixture {
  linear: {
    x: TensorJson;
    stateDict: Record<string, TensorJson>;
    output: TensorJson;
    lossWeights: TensorJson;
    grads: Record<string, TensorJson>;
  };
  embedding: {
    ids: number[][];
    stateDict: Record<string, TensorJson>;
    output: TensorJson;
    lossWeights: TensorJson;
    grads: Record<string, TensorJson>;
  };
}
const fixture = readFixture<ModuleFixture>('torch-modules.json');

describe('Linear', () => {
  it('matches torch.nn.Linear on [B, T, in], with gradients', async () => {
    const linear = new Linear({ inFeatures: 7, outFeatures: 5, seed: 1 });
    loadTorchStateDict(linear, fixture.linear.stateDict);
    const x = tf.variable(toTensor(fixture.linear.x));
    const w = toTensor(fixture.linear.lossWeights);
    await expectNoLeaks(() => {
      const y = linear.forward(x as Tensor);
      expect(maxAbsDiff(y, fixture.linear.output)).toBeLessThan(1e-5);
      y.dispose();
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(linear.forward(x as Tensor), w)) as tf.Scalar,
        [x, linear.weight, linear.bias!],
      );
      expect(maxAbsDiff(grads[x.name]!, fixture.linear.grads.x!)).toBeLessThan(1e-4);
      expect(maxAbsDiff(grads[linear.weight.name]!, fixture.linear.grads.weight!)).toBeLessThan(
        1e-4,
      );
      expect(maxAbsDiff(grads[linear.bias!.name]!, fixture.linear.grads.bias!)).toBeLessThan(1e-4);
      tf.dispose([value, ...Object.values(grads)]);
    });
    expect(() => linear.forward(tf.zeros([2, 6]))).toThrow(
      'Linear.forward: x must be [..., 7], got [2, 6]',
    );
    tf.dispose([x, w]);
    linear.dispose();
  });
});

describe('Embedding', () => {
  it('matches torch.nn.Embedding with padding_idx: rows, and no gradient into the padding row', async () => {
    const embedding = new Embedding({ numEmbeddings: 11, embeddingDim: 5, paddingIdx: 0, seed: 1 });
    const fresh = embedding.weight.arraySync() as number[][];
    expect(fresh[0]).toEqual([0, 0, 0, 0, 0]);
    loadTorchStateDict(embedding, fixture.embedding.stateDict);
    const ids = tf.tensor2d(fixture.embedding.ids, undefined, 'int32');
    const w = toTensor(fixture.embedding.lossWeights);
    await expectNoLeaks(() => {
      const e = embedding.forward(ids);
      expect(maxAbsDiff(e, fixture.embedding.output)).toBe(0);
      e.dispose();
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(embedding.forward(ids), w)) as tf.Scalar,
        [embedding.weight],
      );
      expect(
        maxAbsDiff(grads[embedding.weight.name]!, fixture.embedding.grads.weight!),
      ).toBeLessThan(1e-5);
      tf.dispose([value, ...Object.values(grads)]);
    });
    expect(() => embedding.forward(tf.zeros([2]))).toThrow(
      'Embedding.forward: ids must be int32, got float32',
    );
    tf.dispose([ids, w]);
    embedding.dispose();
  });
});
