import * as tf from '@tensorflow/tfjs-core';

/*
 * What tfjs's engine knows about the gradient computation in progress. tfjs does not export it;
 * tfjs 4 keeps it in `engine().state` (gradientDepth, activeTape).
 */

interface EngineState {
  gradientDepth?: number;
  activeTape?: unknown;
}

const engineState = () => (tf.engine() as unknown as { state?: EngineState }).state;

/**
 * Whether a gradient computation (tf.grads, variableGrads, minimize…) is running. When that cannot
 * be read, assume it is, so the backward pass always has what it needs.
 */
export function recordingGradients(): boolean {
  const depth = engineState()?.gradientDepth;
  return depth === undefined || depth > 0;
}

/**
 * The tape of the gradient computation now running: a new object for each top-level computation,
 * null between them, undefined where it cannot be read. A backward pass only ever runs for the
 * tape its forward was recorded on.
 */
export function activeTape(): unknown {
  return engineState()?.activeTape;
}
