import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/leaks';
import { tinyConfig, tinyExamples } from '../test/tiny-task';
import type { AttentionKind } from './config';
import { explainDecode } from './explain-decode';
import { greedyDecode } from './greedy';
import { Seq2Seq } from './seq2seq';
import { Trainer } from './trainer';

const sources = tinyExamples(5, 7).map((e) => e.source);

async function trainedModel(attention: AttentionKind, reverseSource = false): Promise<Seq2Seq> {
  const model = new Seq2Seq(tinyConfig({ cell: 'gru', attention, reverseSource }));
  const trainer = new Trainer(model, { batchSize: 8, learningRate: 1e-2 });
  await trainer.fit({ train: tinyExamples(40, 1), maxSteps: 15 });
  trainer.dispose();
  return model;
}

describe.each([
  ['bahdanau', false],
  ['luong-general', true],
  ['none', false],
] as Array<[AttentionKind, boolean]>)(
  'explainDecode with %s attention (reversed source: %s)',
  (attention, reverseSource) => {
    it('returns greedyDecode’s output, and each step’s weights, context and candidates', async () => {
      const model = await trainedModel(attention, reverseSource);
      await expectNoLeaks(() => {
        const greedy = greedyDecode(model, sources);
        for (const [b, source] of sources.entries()) {
          const explained = explainDecode(model, source, { topK: 3 });
          expect(explained.tokens).toEqual(greedy[b]!.tokens);
          expect(explained.logProb).toBeCloseTo(greedy[b]!.score, 5);
          expect(explained.steps).toHaveLength(greedy[b]!.tokens.length + 1);
          expect(explained.steps.at(-1)!.token).toBe(model.config.eosId);
          for (const [t, step] of explained.steps.entries()) {
            expect(step.forced).toBe(false);
            expect(step.candidates).toHaveLength(3);
            expect(step.candidates[0]!.token).toBe(step.token); // greedy takes the best
            for (let k = 1; k < 3; k++)
              expect(step.candidates[k - 1]!.logProb).toBeGreaterThanOrEqual(
                step.candidates[k]!.logProb,
              );
            if (attention === 'none') {
              expect(step.weights).toBeUndefined();
              continue;
            }
            // The weights are greedyDecode's attention row, in source order.
            const row = greedy[b]!.attention![t]!;
            for (const [j, w] of step.weights!.entries()) expect(w).toBeCloseTo(row[j]!, 6);
            expect(step.scores).toHaveLength(source.length);
            expect(step.weights!.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 5);
            // c_i = Σ_j α_ij h_j, recomputed here from the returned encoder outputs.
            const h = explained.encoderOutputs!;
            expect(h).toHaveLength(source.length);
            for (const [d, c] of step.context!.entries()) {
              const sum = step.weights!.reduce((s, w, j) => s + w * h[j]![d]!, 0);
              expect(c).toBeCloseTo(sum, 5);
            }
          }
        }
      });
      model.dispose();
    });

    it('forces a prefix and continues from it', async () => {
      const model = await trainedModel(attention, reverseSource);
      const source = sources[0]!;
      const plain = explainDecode(model, source);
      const alternative = plain.steps[0]!.candidates[1]!.token;
      await expectNoLeaks(() => {
        const forced = explainDecode(model, source, { prefix: [alternative] });
        expect(forced.tokens[0]).toBe(alternative);
        expect(forced.steps[0]!.forced).toBe(true);
        expect(forced.steps.slice(1).every((s) => !s.forced)).toBe(true);
        // What the model saw before the forced token is unchanged.
        expect(forced.steps[0]!.candidates).toEqual(plain.steps[0]!.candidates);
        // A prefix of the model's own choices reproduces the plain decode.
        const own = explainDecode(model, source, { prefix: plain.tokens.slice(0, 2) });
        expect(own.tokens).toEqual(plain.tokens);
        // EOS last ends the output there.
        const short = explainDecode(model, source, { prefix: [alternative, model.config.eosId] });
        expect(short.tokens).toEqual([alternative]);
      });
      model.dispose();
    });
  },
);

describe('explainDecode refuses bad calls before allocating', () => {
  const model = new Seq2Seq(tinyConfig({ attention: 'bahdanau' }));
  it.each([
    [[[3, 4]], {}, 'explainDecode: source must be one array of token ids'],
    [[], {}, 'explainDecode: sources[0] is empty'],
    [[3, 11], {}, 'explainDecode: sources[0] holds 11'],
    [[3, 4], { prefix: [1] }, 'explainDecode: prefix holds 1 (BOS)'],
    [[3, 4], { prefix: [2, 3] }, 'explainDecode: prefix has EOS at 0, before its end'],
    [[3, 4], { prefix: [3, 3, 3], maxLength: 2 }, 'prefix has 3 tokens, more than maxLength (2)'],
    [[3, 4], { topK: 12 }, 'topK must be at most the target vocabulary (11), got 12'],
    [[3, 4], { beamSize: 2 }, 'greedy decoding has no beam'],
  ])('%j %j', (source, options, message) => {
    const before = tf.memory().numTensors;
    expect(() => explainDecode(model, source as number[], options as never)).toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
  });
});
