/** Levenshtein distance between two token sequences (insertions, deletions, substitutions cost 1). */
export function editDistance<T>(a: ArrayLike<T>, b: ArrayLike<T>): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** A prediction and its acceptable references (one or more). */
export interface Scored<T> {
  prediction: readonly T[];
  references: ReadonlyArray<readonly T[]>;
}

function checkReferences<T>(where: string, items: ReadonlyArray<Scored<T>>): void {
  items.forEach((item, i) => {
    if (item.references.length === 0) throw new Error(`${where}: item ${i} has no reference`);
  });
}

/**
 * Token (phoneme) error rate: Σ edit distance to the closest reference / Σ that reference's
 * length — the PER of G2P papers, the CER/TER of others.
 */
export function tokenErrorRate<T>(items: ReadonlyArray<Scored<T>>): number {
  checkReferences('tokenErrorRate', items);
  let errors = 0;
  let length = 0;
  for (const { prediction, references } of items) {
    let best = { distance: Number.POSITIVE_INFINITY, length: 0 };
    for (const reference of references) {
      const distance = editDistance(prediction, reference);
      if (
        distance < best.distance ||
        (distance === best.distance && reference.length > best.length)
      )
        best = { distance, length: reference.length };
    }
    errors += best.distance;
    length += best.length;
  }
  return length === 0 ? 0 : errors / length;
}

/** Word error rate of G2P: the share of items whose prediction equals none of its references. */
export function wordErrorRate<T>(items: ReadonlyArray<Scored<T>>): number {
  checkReferences('wordErrorRate', items);
  if (items.length === 0) return 0;
  return 1 - exactMatch(items);
}

/** The share of items whose prediction equals one of its references exactly. */
export function exactMatch<T>(items: ReadonlyArray<Scored<T>>): number {
  if (items.length === 0) return 0;
  const same = (a: readonly T[], b: readonly T[]) =>
    a.length === b.length && a.every((x, i) => x === b[i]);
  return (
    items.filter(({ prediction, references }) => references.some((r) => same(prediction, r)))
      .length / items.length
  );
}

/**
 * Position-wise token accuracy against the first reference: matching positions / reference
 * length (extra predicted tokens are not rewarded; missing ones count as wrong).
 */
export function tokenAccuracy<T>(items: ReadonlyArray<Scored<T>>): number {
  checkReferences('tokenAccuracy', items);
  let correct = 0;
  let total = 0;
  for (const { prediction, references } of items) {
    const reference = references[0]!;
    for (let i = 0; i < reference.length; i++) if (prediction[i] === reference[i]) correct++;
    total += reference.length;
  }
  return total === 0 ? 0 : correct / total;
}
