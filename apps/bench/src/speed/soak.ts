import * as tf from '@tensorflow/tfjs';
import { gatedSubject, type SpeedConfig } from './subjects';

/** Memory over a long run: tensors and resident memory after warm-up and at the end. */
export interface SoakResult {
  config: SpeedConfig;
  steps: number;
  warmupSteps: number;
  samples: Array<{ step: number; numTensors: number; tensorBytes: number; rssMiB: number }>;
  /** Tensors and tensor bytes at the end minus after warm-up: 0 means no leak. */
  tensorGrowth: number;
  tensorByteGrowth: number;
  /** Resident set size at the end minus after warm-up, in MiB (allocator noise included). */
  rssGrowthMiB: number;
}

/** Runs `steps` training steps of one configuration, sampling memory as it goes. */
export function soak(
  config: SpeedConfig,
  steps: number,
  warmupSteps: number,
  onSample?: (step: number) => void,
): SoakResult {
  const subject = gatedSubject(config);
  const samples: SoakResult['samples'] = [];
  const sample = (step: number) => {
    // Garbage not yet collected is not growth: collect first when node runs with --expose-gc
    // (the bench script does), so that RSS reflects what is still held.
    (globalThis as { gc?: () => void }).gc?.();
    const memory = tf.memory();
    samples.push({
      step,
      numTensors: memory.numTensors,
      tensorBytes: memory.numBytes,
      rssMiB: process.memoryUsage().rss / 2 ** 20,
    });
    onSample?.(step);
  };
  for (let step = 1; step <= steps; step++) {
    subject.train();
    if (step === warmupSteps || step === steps || step % Math.max(1, Math.floor(steps / 10)) === 0)
      sample(step);
  }
  subject.dispose();
  const after = samples.find((s) => s.step === warmupSteps)!;
  const end = samples.at(-1)!;
  return {
    config,
    steps,
    warmupSteps,
    samples,
    tensorGrowth: end.numTensors - after.numTensors,
    tensorByteGrowth: end.tensorBytes - after.tensorBytes,
    rssGrowthMiB: end.rssMiB - after.rssMiB,
  };
}
