/*
 * The page's gated worker: gated's layer with @gated/wasm installed, and tf.layers, both on
 * tfjs-backend-wasm (threaded SIMD build when the page is cross-origin isolated), as the demo
 * runs its models. Answers the page's messages one at a time (worker-messages.ts).
 */
import { installWasmKernels } from '@gated/wasm';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { gatedSubject, makeGatedLayer, tfLayersSubject, timeMs } from '../../speed/subjects';
import type { BrowserConfig, GatedInfo, PageSoak, PointTimes, Timing } from '../protocol';
import { checkDecoding } from './check-decoding';
import { answerMessages } from './worker-messages';

/** tfjs's own threads, as in the demo: up to 4 when isolated. */
const tfjsThreads = globalThis.crossOriginIsolated
  ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1))
  : 1;

async function start({ threads }: { threads?: number } = {}): Promise<GatedInfo> {
  setWasmPaths('/tfjs/');
  setThreadsCount(tfjsThreads);
  await tf.setBackend('wasm');
  await tf.ready();
  const status = await installWasmKernels(threads ? { threads } : {});
  return {
    tfjsThreads,
    kernelThreads: status.threads,
    threadsNote: status.threadsNote,
    engines: status.engines,
    simd: status.simd,
    fusedMultiplyAdd: status.fusedMultiplyAdd,
  };
}

/** The engine gated's layer runs on for `config`, for inference and for a gradient. */
function enginesOf(config: BrowserConfig): PointTimes['gatedEngines'] {
  const layer = makeGatedLayer(config);
  const x = tf.randomNormal([config.batch, config.length, config.input]) as tf.Tensor3D;
  tf.dispose(Object.values(layer.forward(x)).filter((t) => t instanceof tf.Tensor));
  const infer = layer.lastEngines[0]?.engine ?? '?';
  const { value, grads } = tf.variableGrads(() => tf.sum(layer.forward(x).hN) as tf.Scalar);
  tf.dispose([value, ...Object.values(grads), x]);
  const train = layer.lastEngines[0]?.engine ?? '?';
  layer.dispose();
  return { infer, train };
}

function time(config: BrowserConfig, timing: Timing): Omit<PointTimes, 'ortInferMs'> {
  const t = (run: () => void) => timeMs(run, timing.warmup, timing.reps, timing.minMs);
  const gated = gatedSubject(config);
  const gatedInferMs = t(() => gated.infer());
  const gatedTrainMs = t(() => gated.train());
  gated.dispose();
  const layers = tfLayersSubject(config);
  const tfLayersInferMs = t(() => layers.infer());
  const tfLayersTrainMs = t(() => layers.train());
  layers.dispose();
  return {
    gatedInferMs,
    gatedTrainMs,
    gatedEngines: enginesOf(config),
    tfLayersInferMs,
    tfLayersTrainMs,
  };
}

/**
 * `steps` training steps, alternating an LSTM and a GRU at a size that takes the threaded
 * engine (on two threads), after 20 of warm-up: tensors, tensor bytes and the backend's heap before and after.
 */
async function soak(steps: number): Promise<PageSoak> {
  // Two threads, whatever 'auto' chose: the threaded engine's memory is what could grow.
  await installWasmKernels({ threads: 2 });
  const config = { batch: 16, length: 32, input: 32, hidden: 128 };
  const subjects = [
    gatedSubject({ ...config, kind: 'lstm' }),
    gatedSubject({ ...config, kind: 'gru' }),
  ];
  const heap = () =>
    (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
  for (let i = 0; i < 20; i++) subjects[i % 2]!.train();
  const before = { ...tf.memory(), heap: heap() };
  for (let i = 0; i < steps; i++) subjects[i % 2]!.train();
  const after = { ...tf.memory(), heap: heap() };
  for (const subject of subjects) subject.dispose();
  return {
    steps,
    tensorGrowth: after.numTensors - before.numTensors,
    byteGrowth: after.numBytes - before.numBytes,
    heapGrowth: after.heap - before.heap,
  };
}

/** gated's inference alone (the later rounds of the page's turns). */
function infer(config: BrowserConfig, timing: Timing): number {
  const gated = gatedSubject(config);
  const ms = timeMs(() => gated.infer(), timing.warmup, timing.reps, timing.minMs);
  gated.dispose();
  return ms;
}

answerMessages({
  start,
  infer: ({ config, timing }: { config: BrowserConfig; timing: Timing }) => infer(config, timing),
  time: ({ config, timing }: { config: BrowserConfig; timing: Timing }) => time(config, timing),
  soak: ({ steps }: { steps: number }) => soak(steps),
  decoding: () => checkDecoding(),
});
