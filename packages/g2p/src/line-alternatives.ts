import type { WordPronunciation } from './pronouncer';

/** One way to pronounce a whole line, and the model's probability of it. */
export interface LineAlternative {
  /** One pronunciation per word of the line, in order. */
  words: string[];
  /** The product of its model words' probabilities (a CMUdict word counts as 1). */
  probability: number;
}

/** What a word contributes: its alternatives, or its one pronunciation ('?' if it has none). */
function choices(word: WordPronunciation): Array<{ text: string; probability: number }> {
  if (word.alternatives.length > 0)
    return word.alternatives.map((a) => ({ text: a.pronunciation, probability: a.probability }));
  return [{ text: word.source === 'none' ? '?' : word.pronunciation, probability: 1 }];
}

/**
 * The `n` most probable pronunciations of a line, most probable first: each word's alternatives
 * combined, their probabilities multiplied (the words are decoded independently). Keeps only the
 * best `n` after each word, which loses nothing: a combination outside the best `n` of a prefix
 * cannot enter the best `n` of the line.
 * @param words the line's words, each with its alternatives (`nBest` of them at most)
 */
export function lineAlternatives(
  words: readonly WordPronunciation[],
  n: number,
): LineAlternative[] {
  let best: LineAlternative[] = [{ words: [], probability: 1 }];
  for (const word of words) {
    const next: LineAlternative[] = [];
    for (const prefix of best)
      for (const choice of choices(word))
        next.push({
          words: [...prefix.words, choice.text],
          probability: prefix.probability * choice.probability,
        });
    best = next.sort((a, b) => b.probability - a.probability).slice(0, n);
  }
  return best;
}
