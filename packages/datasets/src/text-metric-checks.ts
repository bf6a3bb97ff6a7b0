/** Boundary checks shared by the corpus text metrics (BLEU, chrF): what was expected, what came. */

export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/**
 * `hypotheses` must be strings and `references[i]` a non-empty array of strings, the references
 * of `hypotheses[i]`.
 */
export function checkHypothesesAndReferences(
  where: string,
  hypotheses: unknown,
  references: unknown,
): void {
  if (!Array.isArray(hypotheses))
    throw new Error(
      `${where}: hypotheses must be an array of strings, got ${describeValue(hypotheses)}`,
    );
  if (!Array.isArray(references))
    throw new Error(
      `${where}: references must be an array holding each hypothesis's references (string[][]), got ${describeValue(references)}`,
    );
  if (references.length !== hypotheses.length)
    throw new Error(
      `${where}: references must have one entry per hypothesis (${hypotheses.length}), got ${references.length}`,
    );
  hypotheses.forEach((hypothesis, i) => {
    if (typeof hypothesis !== 'string')
      throw new Error(
        `${where}: hypotheses[${i}] must be a string, got ${describeValue(hypothesis)}`,
      );
  });
  references.forEach((group, i) => {
    if (!Array.isArray(group) || group.length === 0)
      throw new Error(
        `${where}: references[${i}] must be a non-empty array of strings, got ${describeValue(group)}`,
      );
    group.forEach((reference, j) => {
      if (typeof reference !== 'string')
        throw new Error(
          `${where}: references[${i}][${j}] must be a string, got ${describeValue(reference)}`,
        );
    });
  });
}

/** Refuses keys a metric does not know (a misspelt option would otherwise be ignored). */
export function checkKnownOptions(where: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new Error(`${where}: options must be an object, got ${describeValue(options)}`);
  for (const key of Object.keys(options))
    if (!known.includes(key))
      throw new Error(`${where}: unknown option '${key}' (known: ${known.join(', ')})`);
}

export function checkBoolean(where: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean')
    throw new Error(`${where}: ${name} must be true or false, got ${describeValue(value)}`);
}

export function checkInteger(where: string, name: string, value: unknown, min: number): void {
  if (value !== undefined && !(Number.isInteger(value) && (value as number) >= min))
    throw new Error(`${where}: ${name} must be an integer ≥ ${min}, got ${describeValue(value)}`);
}
