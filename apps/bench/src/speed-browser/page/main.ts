/*
 * The page of `pnpm bench speed-browser`: `window.runSpeedBrowser(request)` checks the
 * accelerator on this (main) thread, then times every grid point side by side in the workers,
 * one subject at a time: gated and tf.layers in one worker, onnxruntime-web in one worker per
 * thread count, inference in `timing.rounds` turns; then the memory soak.
 */
import { LSTM } from '@gated/cells';
import { installWasmKernels } from '@gated/wasm';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { GatedInfo, MainThreadCheck, PageRequest, PageResult, PointTimes } from '../protocol';
import { checkDecoding } from './check-decoding';
import { workerClient } from './worker-messages';

/**
 * On the main thread too: an LSTM large enough for the threaded engine, against the same layer
 * with the accelerator on one thread.
 */
async function checkMainThread(): Promise<MainThreadCheck> {
  setWasmPaths('/tfjs/');
  setThreadsCount(1);
  await tf.setBackend('wasm');
  // Two threads asked for: 'auto' gives a 2-core machine one (install.ts).
  const status = await installWasmKernels({ threads: 2 });
  const lstm = new LSTM({ inputSize: 32, hiddenSize: 128, seed: 7 });
  const x = tf.randomNormal([32, 16, 32], 0, 1, 'float32', 3) as tf.Tensor3D;
  const threaded = lstm.forward(x);
  const engine = lstm.lastEngines[0]?.engine ?? '?';
  await installWasmKernels({ threads: 1 });
  const single = lstm.forward(x);
  const maxDifference = tf.max(tf.abs(tf.sub(threaded.output, single.output))).dataSync()[0]!;
  tf.dispose([x, threaded.output, threaded.hN, threaded.cN, single.output, single.hN, single.cN]);
  lstm.dispose();
  return { kernelThreads: status.threads, engine, maxDifference, decoding: await checkDecoding() };
}

async function runSpeedBrowser(request: PageRequest): Promise<PageResult> {
  const mainThread = await checkMainThread();
  const gatedWorker = workerClient('/gated-worker.js');
  const gated = await gatedWorker.ask<GatedInfo>('start', { threads: request.gatedThreads });
  const ortWorkers = request.onnx
    ? request.ortThreads.map((threads) => ({ threads, client: workerClient('/ort-worker.js') }))
    : [];
  let ort: PageResult['ort'];
  for (const w of ortWorkers) ort = await w.client.ask('start', { threads: w.threads });
  const points: PointTimes[] = [];
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  for (const [i, config] of request.configs.entries()) {
    const { timing } = request;
    const times = await gatedWorker.ask<Omit<PointTimes, 'ortInferMs'>>('time', { config, timing });
    const gatedInfer = [times.gatedInferMs];
    const ort: Record<string, number[]> = {};
    for (let round = 0; round < timing.rounds; round++) {
      if (round > 0) gatedInfer.push(await gatedWorker.ask<number>('infer', { config, timing }));
      for (const w of ortWorkers) {
        const ms = await w.client.ask<number>('time', { config, timing, model: request.onnx![i] });
        ort[w.threads] = [...(ort[w.threads] ?? []), ms];
      }
    }
    const ortInferMs = Object.fromEntries(Object.entries(ort).map(([t, v]) => [t, median(v)]));
    points.push({ ...times, gatedInferMs: median(gatedInfer), ortInferMs });
  }
  for (const w of ortWorkers) w.client.terminate();
  const soak = await gatedWorker.ask<PageResult['soak']>('soak', { steps: request.soakSteps });
  // Last: it changes the worker's kernel threads. Where the demo decodes, in a Web Worker.
  const workerDecoding = await gatedWorker.ask<PageResult['workerDecoding']>('decoding');
  gatedWorker.terminate();
  return {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    gated,
    mainThread,
    workerDecoding,
    ort,
    points,
    soak,
  };
}

(globalThis as { runSpeedBrowser?: typeof runSpeedBrowser }).runSpeedBrowser = runSpeedBrowser;
