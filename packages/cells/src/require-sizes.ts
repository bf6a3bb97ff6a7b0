/**
 * Refuses a size option that is not a positive integer, naming it:
 * `new Linear: inFeatures must be a positive integer, got 0`.
 */
export function requirePositiveIntegers<K extends string>(
  where: string,
  options: Partial<Record<K, unknown>> | undefined,
  names: readonly K[],
): void {
  for (const name of names) {
    const value = options?.[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      throw new Error(`${where}: ${name} must be a positive integer, got ${value}`);
    }
  }
}
