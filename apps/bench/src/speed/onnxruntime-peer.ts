import { loadSidePackage } from './side-package';
import { type SpeedConfig, timeMsAsync } from './subjects';

/** The parts of onnxruntime-node's API the peer uses. */
interface OrtTensor {
  dims: readonly number[];
}
interface Ort {
  env: { versions?: { common?: string } };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => OrtTensor;
  InferenceSession: {
    create(
      path: string,
      options: { intraOpNumThreads: number; interOpNumThreads: number },
    ): Promise<{
      run(feeds: Record<string, OrtTensor>): Promise<unknown>;
      release(): Promise<void>;
    }>;
  };
}

export const ORT_THREADS = 2;

/**
 * onnxruntime-node, if it can be found: at `ONNXRUNTIME_NODE` (a package folder), or
 * resolvable from here. It is not a dependency of the workspace (its package is 113 MB with the
 * binaries of every platform); the bench README says how to install it on the side.
 */
export function loadOnnxruntime(): { ort: Ort; version: string } | { note: string } {
  const found = loadSidePackage<Ort>('ONNXRUNTIME_NODE', 'onnxruntime-node');
  return 'module' in found ? { ort: found.module, version: found.version } : found;
}

/**
 * Median inference time of an exported layer, on an input of the config's shape: timed with 1
 * and with ORT_THREADS intra-op threads, the faster kept (as for PyTorch).
 */
export async function onnxInferMs(
  ort: Ort,
  path: string,
  config: SpeedConfig,
  warmup: number,
  reps: number,
  minMs = 0,
): Promise<number> {
  const size = config.batch * config.length * config.input;
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = Math.sin(i * 12.9898) * 0.5; // any fixed values
  const x = new ort.Tensor('float32', data, [config.batch, config.length, config.input]);
  let best = Number.POSITIVE_INFINITY;
  for (const threads of [1, ORT_THREADS]) {
    const session = await ort.InferenceSession.create(path, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
    });
    best = Math.min(best, await timeMsAsync(() => session.run({ x }), warmup, reps, minMs));
    await session.release();
  }
  return best;
}
