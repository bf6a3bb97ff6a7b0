import { Vocab } from '@gated/datasets';
import { makeTrainingBatch, readManifest, saveModel } from '@gated/seq2seq';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoLeaks, shippedFiles } from '../test/shipped-files';
import { PronunciationModel } from './pronunciation-model';

const files = shippedFiles();
const model = PronunciationModel.fromFiles(files);
afterAll(() => model.dispose());
const extra = readManifest(files).extra as { sourceVocab: unknown; targetVocab: unknown };
const sourceVocab = Vocab.fromJSON(extra.sourceVocab);
const targetVocab = Vocab.fromJSON(extra.targetVocab);

/** log P(phonemes, EOS | word) by teacher forcing: an independent path through the model. */
function teacherForcedLogProb(word: string, phonemes: string[]): number {
  return tf.tidy(() => {
    const batch = makeTrainingBatch(model.model.config, [
      { source: sourceVocab.encode(Array.from(word)), target: targetVocab.encode(phonemes) },
    ]);
    model.model.eval();
    const logProbs = tf.logSoftmax(model.model.teacherForcedLogits(batch));
    const picked = tf.sum(
      tf.mul(tf.cast(tf.oneHot(batch.targetOutput, targetVocab.size), 'float32'), logProbs),
      -1,
    );
    const total = tf.sum(tf.mul(picked, batch.targetMask)).dataSync()[0]!;
    return total;
  }) as unknown as number;
}

describe('the pronunciation model', () => {
  it('reads lower-case letters and the apostrophe, and names what it cannot read', () => {
    expect([...model.alphabet].sort().join('')).toBe("'abcdefghijklmnopqrstuvwxyz");
    expect(model.unknownCharacters('Café-42é')).toEqual(['C', 'é', '-', '4', '2']);
    expect(model.unknownCharacters("don't")).toEqual([]);
    expect(() => model.decode(['café'], { beamSize: 1, nBest: 1, batchSize: 4 })).toThrow(
      '"café" is not readable (é)',
    );
  });

  it('gives each alternative the probability the model assigns it (checked by teacher forcing)', async () => {
    const words = ['gatedness', 'zyxt', 'blorf'];
    const decoded = await expectNoLeaks(() =>
      model.decode(words, { beamSize: 4, nBest: 3, batchSize: 2 }),
    );
    words.forEach((word, i) => {
      const alternatives = decoded[i]!;
      expect(alternatives).toHaveLength(3);
      for (const { phonemes, probability } of alternatives) {
        // Step by step (beam search) and all at once (teacher forcing) agree to float32 noise.
        expect(Math.log(probability)).toBeCloseTo(teacherForcedLogProb(word, phonemes), 3);
      }
      const probabilities = alternatives.map((a) => a.probability);
      expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
      expect(probabilities.reduce((a, b) => a + b)).toBeLessThanOrEqual(1);
      expect(new Set(alternatives.map((a) => a.phonemes.join(' '))).size).toBe(3);
    });
  });

  it('decodes a batch as it decodes each word alone, in input order', async () => {
    const words = ['pronounceable', 'qat', 'gatedness', 'xylo', 'mxyzptlk', 'aa'];
    const options = { beamSize: 3, nBest: 2, batchSize: 4 };
    const together = await expectNoLeaks(() => model.decode(words, options));
    words.forEach((word, i) => {
      const [alone] = model.decode([word], options);
      expect(together[i]!.map((a) => a.phonemes)).toEqual(alone!.map((a) => a.phonemes));
      for (const [k, a] of together[i]!.entries())
        expect(a.probability).toBeCloseTo(alone![k]!.probability, 5);
    });
  });

  it('refuses a checkpoint that is no character → ARPAbet model, leaving nothing allocated', async () => {
    const manifest = readManifest(files);
    const before = tf.memory().numTensors;
    const relabel = (extraChange: object) =>
      saveModel(model.model, { ...(manifest.extra as object), ...extraChange });
    const wrongTokenizer = relabel({ sourceTokenizer: 'symbols' });
    const wrongPhoneme = relabel({
      targetVocab: {
        ...(manifest.extra as { targetVocab: object }).targetVocab,
        tokens: [...targetVocab.tokens.slice(0, -1), 'QQ'],
      },
    });
    const made = tf.memory().numTensors;
    expect(() => PronunciationModel.fromFiles(wrongTokenizer)).toThrow(
      'expected a G2P model (characters → symbols)',
    );
    expect(() => PronunciationModel.fromFiles(wrongPhoneme)).toThrow(
      `the model's output vocabulary: expected an ARPAbet phoneme`,
    );
    expect(tf.memory().numTensors).toBe(made);
    expect(made).toBe(before);
  });
});
