/**
 * What the model inside the package is. Shipping another model is a file replacement
 * (`scripts/convert-model.ts`) plus a new record here — nothing else in the tests names it.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoLeaks, modelDir, shippedFiles } from '../test/shipped-files';
import { PronunciationModel } from './pronunciation-model';

const SHIPPED = {
  /** The demo's G2P model (bench `train-demo-models`, 15,000 steps), converted to F16. */
  parameters: 1_068_715,
  stress: false,
  /** Its weights: 2,139,366 bytes, 2% over the 2 MiB (2,097,152) budget the package aims at. */
  weightBytes: 2_139_366,
  /**
   * Greedy decoding of the F32 checkpoint before conversion, with the probability it gave; the
   * F16 weights agree on all of the first 300 test-split words.
   */
  greedy: {
    zebra: ['Z IY B R AH', 0.5757],
    gatedness: ['G EY T IH D N AH S', 0.618],
    tensorflow: ['T EH N S ER F L OW', 0.7349],
    hello: ['HH EH L OW', 0.9874],
    pronunciation: ['P R AH N AH N S IY EY SH AH N', 0.4257],
    "o'brien": ['OW B R AY AH N', 0.5024],
    xylophone: ['Z AY L AH F OW N', 0.9604],
    quixotic: ['K W IH K S AA T IH K', 0.7586],
  } as Record<string, [string, number]>,
};

const model = PronunciationModel.fromFiles(shippedFiles());
afterAll(() => model.dispose());

describe('the shipped model', () => {
  it('is the recorded model, stored as F16', () => {
    expect(model.parameters).toBe(SHIPPED.parameters);
    expect(model.stress).toBe(SHIPPED.stress);
    const bytes = statSync(join(modelDir, 'weights.safetensors')).size;
    expect(bytes).toBe(SHIPPED.weightBytes);
    // Two bytes a parameter, and a header of a few kilobytes.
    expect(bytes - 2 * SHIPPED.parameters).toBeGreaterThan(0);
    expect(bytes - 2 * SHIPPED.parameters).toBeLessThan(4096);
  });

  it('decodes as the F32 checkpoint did', async () => {
    const words = Object.keys(SHIPPED.greedy);
    const decoded = await expectNoLeaks(() =>
      model.decode(words, { beamSize: 1, nBest: 1, batchSize: 8 }),
    );
    words.forEach((word, i) => {
      const [phonemes, probability] = SHIPPED.greedy[word]!;
      expect(decoded[i]![0]!.phonemes.join(' ')).toBe(phonemes);
      // F16 rounding moves probabilities by a few 1e-4.
      expect(decoded[i]![0]!.probability).toBeCloseTo(probability, 3);
    });
  });
});
