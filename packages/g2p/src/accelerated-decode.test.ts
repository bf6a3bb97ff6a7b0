/**
 * The accelerator's decoding kernels (@gated/wasm: additive attention in one call, row gathers,
 * the LSTM step) against tfjs's own ops, on the shipped model: the same words, the same
 * probabilities within float32 rounding.
 */
import { installWasmKernels, uninstallWasmKernels } from '@gated/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoLeaks, shippedFiles } from '../test/shipped-files';
import { PronunciationModel } from './pronunciation-model';

const words = ['zebra', 'gatedness', 'pronunciation', "o'brien", 'a', 'quixotic', 'tensorflow'];
const model = PronunciationModel.fromFiles(shippedFiles());
afterAll(() => {
  uninstallWasmKernels();
  model.dispose();
});

describe.runIf(tf.getBackend() === 'wasm')('decoding with the accelerator', () => {
  for (const [beamSize, batchSize] of [
    [1, 8], // greedy, seven words in one batch
    [1, 1], // greedy, one word at a time (the row-by-row products)
    [3, 8], // beam search, its rows gathered at every step
  ] as const) {
    it(`agrees with tfjs's ops: beam ${beamSize}, batches of ${batchSize}`, async () => {
      const options = { beamSize, nBest: beamSize, batchSize };
      uninstallWasmKernels();
      const plain = model.decode(words, options);
      const status = await installWasmKernels({ threads: 1 });
      expect(status.engines).toContain('wasm');
      let fast: ReturnType<typeof model.decode> = [];
      const profile = await expectNoLeaks(() =>
        tf.profile(() => {
          fast = model.decode(words, options);
          return [] as unknown as tf.TensorContainer;
        }),
      );
      // Greedy decodes every step in one call; beam search one call per step, then reorders.
      const decoding =
        beamSize === 1
          ? ['GatedGreedyAttentionDecode']
          : ['GatedAttentionDecoderStep', 'GatedGatherRows'];
      expect(profile.kernelNames).toEqual(
        expect.arrayContaining([...decoding, 'GatedRecurrenceForward']),
      );
      fast.forEach((alternatives, w) => {
        expect(alternatives.map((a) => a.phonemes.join(' '))).toEqual(
          plain[w]!.map((a) => a.phonemes.join(' ')),
        );
        alternatives.forEach((a, k) => {
          expect(Math.abs(a.probability - plain[w]![k]!.probability)).toBeLessThan(1e-5);
        });
      });
    });
  }
});
