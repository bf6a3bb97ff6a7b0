/**
 * Checks for values that users pass to the trainer and the decoders. Each refusal is one
 * sentence naming the option, what was expected and what came:
 * `Trainer: learningRate must be a finite number, got Infinity`.
 */

/** A value as an error message shows it: numbers as written, strings quoted, the rest by kind. */
export function describeValue(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value);
  if (typeof value === 'string')
    return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}' (a string)`;
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  const shape = (value as { shape?: unknown }).shape;
  if (Array.isArray(shape)) return `a Tensor of shape [${shape.join(', ')}]`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** Refuses a value that is not a finite number, then one that `inRange` rejects. */
export function checkNumber(
  where: string,
  name: string,
  value: unknown,
  inRange: (value: number) => boolean,
  expected: string,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new Error(`${where}: ${name} must be a finite number, got ${describeValue(value)}`);
  if (!inRange(value)) throw new Error(`${where}: ${name} must be ${expected}, got ${value}`);
}

/** Refuses anything but an integer in `[min, max]`. */
export function checkInteger(
  where: string,
  name: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER
        ? min === 1
          ? 'a positive integer'
          : `an integer ≥ ${min}`
        : `an integer in [${min}, ${max}]`;
    throw new Error(`${where}: ${name} must be ${range}, got ${describeValue(value)}`);
  }
}

/** Refuses a non-object, and keys that are not in `known` (a typo would otherwise be ignored). */
export function checkOptionKeys<T>(
  where: string,
  name: string,
  value: T,
  known: readonly string[],
  hints: Record<string, string> = {},
): asserts value is T & Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${where}: ${name} must be an object, got ${describeValue(value)}`);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const hint = hints[key] ? `; ${hints[key]}` : '';
      throw new Error(
        `${where}: unknown ${name === 'options' ? 'option' : `${name} option`} '${key}' (expected ${known.join(', ')})${hint}`,
      );
    }
  }
}
