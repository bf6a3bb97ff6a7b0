import type { GradConfig } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { elementwiseGradients } from './elementwise';
import { matmulGradients } from './matmul';
import { piecesGradients } from './pieces';
import { reduceGradients } from './reduce';
import { shapeGradients } from './shape';

/**
 * The gradient of every kernel that training RNN/LSTM/GRU layers, `Linear`, `Embedding`, the
 * attention modules and a Seq2Seq model records on the tape. tfjs-core registers none of its
 * own (the full `@tensorflow/tfjs` bundle does), so with tfjs-core and a backend alone these
 * are what backpropagation runs.
 */
export const gradientConfigs: readonly GradConfig[] = [
  ...elementwiseGradients,
  ...matmulGradients,
  ...reduceGradients,
  ...shapeGradients,
  ...piecesGradients,
];

let ensured = false;

/**
 * Registers our gradient for each kernel in `gradientConfigs` that has none yet, so that
 * `tf.grad`, `variableGrads` and `optimizer.minimize` work with `@tensorflow/tfjs-core` alone.
 * Where a gradient is already registered (the full `@tensorflow/tfjs` registers all of them
 * on import) tfjs's stays in force. Runs once; later calls do nothing. `@gated/cells` calls it
 * in every `Module`'s constructor, so every model has it before its first forward pass; call it
 * yourself before differentiating tfjs ops outside any module.
 *
 * @returns the kernel names this call registered: none after the first call, and none when
 *   tfjs had them all.
 */
export function ensureGradients(): string[] {
  if (ensured) return [];
  ensured = true;
  const registered: string[] = [];
  for (const config of gradientConfigs) {
    if (tf.getGradient(config.kernelName) != null) continue;
    tf.registerGradient(config);
    registered.push(config.kernelName);
  }
  return registered;
}
