import { seededRandom } from '@gated/cells';
import type { Example } from '../src/batch';
import type { Seq2SeqConfig } from '../src/config';

/** A small copy-and-shift task over ids 3..10 (0–2: pad, BOS, EOS), seeded. */
export function tinyExamples(count: number, seed: number): Example[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const length = 2 + Math.floor(random() * 5);
    const source = Array.from({ length }, () => 3 + Math.floor(random() * 8));
    return { source, target: source.map((id) => 3 + ((id - 2) % 8)) };
  });
}

/** A tiny model config with odd sizes where the architecture allows. */
export function tinyConfig(overrides: Partial<Seq2SeqConfig> = {}): Seq2SeqConfig {
  return {
    sourceVocabSize: 11,
    targetVocabSize: 11,
    padId: 0,
    bosId: 1,
    eosId: 2,
    embeddingSize: 7,
    hiddenSize: 10,
    seed: 42,
    ...overrides,
  };
}
