/*
 * The page's onnxruntime-web worker: the PyTorch-exported layers (served under /models/) on
 * onnxruntime-web's wasm backend at one thread count, which onnxruntime-web fixes for the
 * lifetime of its module, hence one worker per count. onnxruntime-web is served under /ort/
 * from where it was installed on the side; it is not bundled.
 */
import { timeMsAsync } from '../../speed/subjects';
import type { BrowserConfig, Timing } from '../protocol';
import { answerMessages } from './worker-messages';

interface OrtTensor {
  dims: readonly number[];
}
interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface OrtWeb {
  env: {
    versions?: { web?: string; common?: string };
    wasm: { numThreads?: number; wasmPaths?: string; proxy?: boolean };
  };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => OrtTensor;
  InferenceSession: {
    create(url: string, options: Record<string, unknown>): Promise<OrtSession>;
  };
}

let ort: OrtWeb | undefined;

async function start({ threads }: { threads: number }): Promise<{ version: string }> {
  const url = '/ort/ort.wasm.min.mjs';
  ort = (await import(/* @vite-ignore */ url)) as OrtWeb;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.wasmPaths = '/ort/';
  ort.env.wasm.proxy = false;
  return { version: ort.env.versions?.web ?? ort.env.versions?.common ?? '?' };
}

async function time({
  config,
  timing,
  model,
}: {
  config: BrowserConfig;
  timing: Timing;
  model: string;
}): Promise<number> {
  if (!ort) throw new Error('ort worker: not started');
  const session = await ort.InferenceSession.create(`/models/${model}`, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const size = config.batch * config.length * config.input;
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = Math.sin(i * 12.9898) * 0.5; // any fixed values
  const x = new ort.Tensor('float32', data, [config.batch, config.length, config.input]);
  const ms = await timeMsAsync(() => session.run({ x }), timing.warmup, timing.reps, timing.minMs);
  await session.release();
  return ms;
}

answerMessages({ start, time });
