import type { RecurrentLayerOptions } from './recurrent-layer';
import { requirePositiveIntegers } from './require-sizes';

/**
 * Refuses options that PyTorch would refuse, naming the option, what it must be and what came.
 * `projSize` is the LSTM's (0 for the other kinds).
 */
export function checkLayerOptions(
  kind: string,
  options: RecurrentLayerOptions,
  projSize: number,
): void {
  const where = `new ${kind}`;
  if (options === null || typeof options !== 'object') {
    throw new Error(
      `${where}: expected an options object such as { inputSize: 16, hiddenSize: 32 }, got ${options}`,
    );
  }
  requirePositiveIntegers(where, options, ['inputSize', 'hiddenSize']);
  if (options.numLayers !== undefined) requirePositiveIntegers(where, options, ['numLayers']);
  const dropout = options.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new Error(`${where}: dropout must be a number in [0, 1), got ${options.dropout}`);
  }
  if (
    projSize !== 0 &&
    (!Number.isInteger(projSize) || projSize < 0 || projSize >= options.hiddenSize)
  ) {
    throw new Error(
      `${where}: projSize must be an integer in [0, hiddenSize) = [0, ${options.hiddenSize}), got ${projSize}`,
    );
  }
  if (options.seed !== undefined && !Number.isFinite(options.seed)) {
    throw new Error(`${where}: seed must be a finite number, got ${options.seed}`);
  }
}
