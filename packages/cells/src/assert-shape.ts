import type { Tensor } from '@tensorflow/tfjs-core';

/** A dimension that must equal a number, or a named dimension (any size) such as `'batch'`. */
export type ExpectedDim = number | string;

/** `[batch, seq, 16]` — how shapes appear in error messages. */
export function formatShape(dims: readonly ExpectedDim[]): string {
  return `[${dims.join(', ')}]`;
}

/** True when `shape` has the rank of `expected` and every numeric dimension matches. */
export function shapeMatches(shape: readonly number[], expected: readonly ExpectedDim[]): boolean {
  if (shape.length !== expected.length) return false;
  return expected.every((dim, i) => typeof dim === 'string' || dim === shape[i]);
}

/**
 * Throws a sentence, not a stack trace from deep inside tfjs, when `tensor` has the wrong shape
 * or dtype: `LSTM.forward: x must be [batch, seq, 16] (batchFirst), got [4, 10, 8]`.
 *
 * @param where  the public entry point, e.g. `'LSTM.forward'`
 * @param name   the argument, e.g. `'x'`
 * @param note   optional context appended after the expected shape, e.g. `'(batchFirst)'`
 */
export function assertShape(
  where: string,
  name: string,
  tensor: Tensor,
  expected: readonly ExpectedDim[],
  note = '',
): void {
  const suffix = note ? ` ${note}` : '';
  if (!shapeMatches(tensor.shape, expected)) {
    throw new Error(
      `${where}: ${name} must be ${formatShape(expected)}${suffix}, got ${formatShape(tensor.shape)}`,
    );
  }
  if (tensor.dtype !== 'float32') {
    throw new Error(`${where}: ${name} must be float32, got ${tensor.dtype}`);
  }
}
