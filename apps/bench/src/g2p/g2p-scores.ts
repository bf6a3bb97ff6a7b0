import { tokenErrorRate, wordErrorRate } from '@gated/datasets';

/** WER and PER of one set of predictions, in [0, 1]. */
export interface G2PScore {
  examples: number;
  /** Share of words whose phonemes equal none of the references (the WER of G2P papers). */
  wordErrorRate: number;
  /** Phoneme edit distance to the closest reference / that reference's length, summed. */
  phonemeErrorRate: number;
}

/** The same predictions scored with stress digits, and with them stripped from both sides. */
export interface G2PScores {
  withStress: G2PScore;
  withoutStress: G2PScore;
}

/** `AH0` → `AH`: CMUdict's stress digit removed. */
export function stripStress(phonemes: readonly string[]): string[] {
  return phonemes.map((p) => p.replace(/[012]$/, ''));
}

/** References without stress, duplicates merged (`R EH1 D` / `R EH0 D` are one `R EH D`). */
function strippedReferences(references: ReadonlyArray<readonly string[]>): string[][] {
  const seen = new Map<string, string[]>();
  for (const r of references) {
    const bare = stripStress(r);
    seen.set(bare.join(' '), bare);
  }
  return [...seen.values()];
}

function score(items: ReadonlyArray<{ prediction: string[]; references: string[][] }>): G2PScore {
  return {
    examples: items.length,
    wordErrorRate: wordErrorRate(items),
    phonemeErrorRate: tokenErrorRate(items),
  };
}

/**
 * Scores stress-marked predictions against stress-marked references, and both stripped.
 * @param predictions one phoneme list per word, `[words][phonemes]`
 * @param references the acceptable pronunciations of each word, `[words][refs][phonemes]`
 */
export function scoreG2P(
  predictions: ReadonlyArray<readonly string[]>,
  references: ReadonlyArray<ReadonlyArray<readonly string[]>>,
): G2PScores {
  if (predictions.length !== references.length)
    throw new Error(
      `scoreG2P: expected one prediction per word (${references.length}), got ${predictions.length}`,
    );
  return {
    withStress: score(
      predictions.map((p, i) => ({
        prediction: [...p],
        references: references[i]!.map((r) => [...r]),
      })),
    ),
    withoutStress: score(
      predictions.map((p, i) => ({
        prediction: stripStress(p),
        references: strippedReferences(references[i]!),
      })),
    ),
  };
}
