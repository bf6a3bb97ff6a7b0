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
  /**
   * The PyTorch twin's stress model (python/train_g2p.py, apps/bench/runs/g2p-twin: 244 wide,
   * embeddings 64, dropout 0.2, 60,000 steps from scratch), converted to F16.
   */
  parameters: 987_121,
  stress: true,
  /** Its weights: 1,976,178 bytes, within the 2 MiB (2,097,152) budget. */
  weightBytes: 1_976_178,
  /**
   * Greedy decoding of the F32 checkpoint before conversion, with the probability it gave; the
   * F16 weights score as the F32 ones on the bench report's 1,000-word sample (results/g2p.md).
   */
  greedy: {
    zebra: ['Z IY1 B R AH0', 0.9025],
    gatedness: ['G EY1 T AH0 N AH0 S', 0.3307],
    tensorflow: ['T EH1 N S ER0 F L OW0', 0.2413],
    hello: ['HH EH0 L OW1', 0.5668],
    pronunciation: ['P R OW0 N AH2 N S IY0 EY1 SH AH0 N', 0.4478],
    "o'brien": ['OW0 B R AY1 IH0 N', 0.9943],
    xylophone: ['Z AY1 L AH0 F OW2 N', 0.9783],
    quixotic: ['K W IH0 K S AA1 T IH0 K', 0.5922],
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
      // F16 rounding moves probabilities by up to 1e-3 (tensorflow: 0.2406 against 0.2413).
      expect(Math.abs(decoded[i]![0]!.probability - probability)).toBeLessThan(1e-3);
    });
  });
});
