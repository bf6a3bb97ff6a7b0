import { loadSidePackage } from './side-package';
import { type SpeedConfig, timeMs } from './subjects';

interface TimeStepNet {
  train(data: number[][][], options: { iterations: number; log: boolean }): unknown;
  run(sequence: number[][]): unknown;
}
type TimeStepClass = new (options: {
  inputSize: number;
  hiddenLayers: number[];
  outputSize: number;
}) => TimeStepNet;
interface Brain {
  recurrent: {
    LSTMTimeStep: TimeStepClass;
    GRUTimeStep: TimeStepClass;
    RNNTimeStep: TimeStepClass;
  };
}

/**
 * brain.js, if it can be found: at `BRAINJS` (a package folder), or resolvable from here. Like
 * onnxruntime-node it is installed on the side (see the bench README), not by the workspace.
 */
export function loadBrainjs(): { brain: Brain; version: string } | { note: string } {
  const found = loadSidePackage<Brain>('BRAINJS', 'brain.js');
  return 'module' in found ? { brain: found.module, version: found.version } : found;
}

/**
 * brain.js's `<Kind>TimeStep` network of the config's sizes (one hidden layer, output = input
 * size): one training pass over `batch` sequences (brain.js updates after each sequence; the
 * work of one forward and backward pass per sequence is what our batched step does) and one
 * forward run of every sequence.
 */
export function brainjsMs(
  brain: Brain,
  config: SpeedConfig,
  warmup: number,
  reps: number,
): { trainMs: number; inferMs: number } {
  const Net = {
    lstm: brain.recurrent.LSTMTimeStep,
    gru: brain.recurrent.GRUTimeStep,
    rnn: brain.recurrent.RNNTimeStep,
  }[config.kind];
  const net = new Net({
    inputSize: config.input,
    hiddenLayers: [config.hidden],
    outputSize: config.input,
  });
  let state = 1;
  const next = () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
  const data = Array.from({ length: config.batch }, () =>
    Array.from({ length: config.length }, () => Array.from({ length: config.input }, next)),
  );
  return {
    trainMs: timeMs(() => net.train(data, { iterations: 1, log: false }), warmup, reps),
    inferMs: timeMs(
      () => {
        for (const sequence of data) net.run(sequence);
      },
      warmup,
      reps,
    ),
  };
}
