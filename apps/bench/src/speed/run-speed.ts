import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { describeMachine, findTorchPython, type MachineDescription } from '../machine';
import { Progress } from '../progress';
import { brainjsMs, loadBrainjs } from './brainjs-peer';
import { type DecodeLatency, g2pDecodeLatency } from './decode-latency';
import { loadOnnxruntime, ORT_THREADS, onnxInferMs } from './onnxruntime-peer';
import { withPortableEngines } from './portable';
import { type SoakResult, soak } from './soak';
import {
  gatedSubject,
  makeGatedLayer,
  type SpeedConfig,
  type Subject,
  tfLayersSubject,
  timeMs,
} from './subjects';

/** One subject's measurements at one grid point. */
export interface Measured {
  trainMs: number;
  inferMs: number;
  /** Tokens (batch × length) per second of training and of inference. */
  trainTokensPerSecond: number;
  inferTokensPerSecond: number;
  /** Tensor bytes alive after the forward pass of a training step (tfjs subjects only). */
  activationBytes?: number;
}

export interface SpeedEntry {
  config: SpeedConfig;
  /** The headline size of issue 7: batch 32, length 50, input 32, hidden 128. */
  headline: boolean;
  gated: Measured;
  tfLayers: Measured & { sameWeights: boolean; maxOutputDifference?: number };
  torch?: Measured;
  /** The PyTorch layer exported to ONNX, inference in onnxruntime-node. */
  onnxruntime?: { inferMs: number; inferTokensPerSecond: number };
  /** brain.js's TimeStep network of the same sizes (headline size only: it is slow). */
  brainjs?: { trainMs: number; inferMs: number };
  /** gated without @gated/wasm: @gated/cells' portable `fused` engine (headline sizes only). */
  portable?: { trainMs: number; inferMs: number };
  /** How many times faster gated is (> 1 = faster). */
  ratios: {
    trainVsTfLayers: number;
    inferVsTfLayers: number;
    trainVsTorch?: number;
    inferVsTorch?: number;
    inferVsOnnxruntime?: number;
    trainVsBrainjs?: number;
    inferVsBrainjs?: number;
  };
}

/** The schema of `results/speed.json` (documented in the bench README). */
export interface SpeedResults {
  suite: 'speed';
  schemaVersion: 1;
  quick: boolean;
  machine: MachineDescription;
  protocol: {
    warmup: number;
    reps: number;
    /** Each of the warm-up and timed phases lasts at least this long. */
    minMs: number;
    statistic: 'median';
    loss: string;
    optimizer: string;
  };
  peers: Record<string, { version?: string; threads?: number; measured: boolean; note: string }>;
  entries: SpeedEntry[];
  /** Many training steps of the headline LSTM: does memory grow after warm-up? */
  memory: SoakResult;
  /** Greedy decoding of one word at a time by the demo's G2P model (absent without it). */
  decoding?: DecodeLatency;
}

export interface SpeedOptions {
  quick: boolean;
  onProgress?: Progress;
}

const here = dirname(fileURLToPath(import.meta.url));

export function speedGrid(quick: boolean): Array<{ config: SpeedConfig; headline: boolean }> {
  const kinds = ['rnn', 'lstm', 'gru'] as const;
  if (quick) {
    return kinds.flatMap((kind) =>
      [1, 4].map((batch) => ({
        config: { kind, batch, length: 5, input: 8, hidden: 16 },
        headline: false,
      })),
    );
  }
  const points = kinds.flatMap((kind) => [
    { config: { kind, batch: 32, length: 50, input: 32, hidden: 128 }, headline: true },
  ]);
  for (const kind of kinds) {
    for (const batch of [1, 32])
      for (const length of [10, 50, 200])
        for (const hidden of [64, 256]) {
          points.push({ config: { kind, batch, length, input: 32, hidden }, headline: false });
        }
  }
  return points;
}

function measured(
  config: SpeedConfig,
  trainMs: number,
  inferMs: number,
  activationBytes?: number,
): Measured {
  const tokens = config.batch * config.length;
  return {
    trainMs,
    inferMs,
    trainTokensPerSecond: (tokens * 1000) / trainMs,
    inferTokensPerSecond: (tokens * 1000) / inferMs,
    activationBytes,
  };
}

function measure(subject: Subject, timing: Timing): [number, number] {
  const { warmup, reps, minMs } = timing;
  return [
    timeMs(() => subject.train(), warmup, reps, minMs),
    timeMs(() => subject.infer(), warmup, reps, minMs),
  ];
}

/**
 * Runs each headline size of one kind of subject for a while (training and inference, `ms` each)
 * before any of them is timed. Without it the first sizes a process measured came out up to twice
 * as slow as the same sizes measured later in the run (JIT compilation, gated's worker thread
 * starting; the PyTorch peer warms its process up the same way).
 */
function warmUpProcess(
  make: (config: SpeedConfig) => Subject,
  grid: Array<{ config: SpeedConfig; headline: boolean }>,
  ms: number,
): void {
  if (ms <= 0) return;
  for (const { config } of grid.filter((g) => g.headline)) {
    const subject = make(config);
    for (const run of [() => subject.train(), () => subject.infer()]) {
      const start = performance.now();
      while (performance.now() - start < ms) run();
    }
    subject.dispose();
  }
}

/** At least `warmup` warm-up runs and `reps` timed runs, each phase lasting at least `minMs`. */
interface Timing {
  warmup: number;
  reps: number;
  minMs: number;
}

/** Runs the grid: tf.layers, PyTorch, onnxruntime and brain.js first, then gated. */
export async function runSpeed(options: SpeedOptions): Promise<SpeedResults> {
  const grid = speedGrid(options.quick);
  const timing: Timing = options.quick
    ? { warmup: 1, reps: 2, minMs: 0 }
    : { warmup: 2, reps: 5, minMs: 300 };
  const { warmup, reps, minMs } = timing;
  const progress = options.onProgress ?? new Progress('speed', grid.length * 2 + 3);
  warmUpProcess(tfLayersSubject, grid, timing.minMs);
  const peersFirst = grid.map(({ config }) => {
    const subject = tfLayersSubject(config);
    const [trainMs, inferMs] = measure(subject, timing);
    const result = {
      ...measured(config, trainMs, inferMs, subject.activationBytes()),
      sameWeights: subject.sameWeights,
    };
    subject.dispose();
    progress.tick(`tf.layers ${describe(config)}`);
    return result;
  });
  const onnxruntime = loadOnnxruntime();
  const onnxDir = 'ort' in onnxruntime ? mkdtempSync(join(tmpdir(), 'gated-onnx-')) : undefined;
  const torch = measureTorch(
    grid.map((g) => g.config),
    timing,
    onnxDir,
  );
  progress.tick(torch.measured ? 'PyTorch' : 'PyTorch (not available)');
  const onnxMs: Array<number | undefined> = [];
  if ('ort' in onnxruntime && torch.results)
    for (const [i, { config }] of grid.entries()) {
      const path = torch.results[i]?.onnx;
      onnxMs.push(
        path ? await onnxInferMs(onnxruntime.ort, path, config, warmup, reps, minMs) : undefined,
      );
    }
  if (onnxDir) rmSync(onnxDir, { recursive: true, force: true });
  const brainjs = loadBrainjs();
  const brainFailures: string[] = [];
  const brainMs = grid.map(({ config, headline }) => {
    if (!('brain' in brainjs) || !headline) return undefined;
    try {
      return brainjsMs(brainjs.brain, config, 1, options.quick ? 1 : 3);
    } catch (error) {
      // brain.js throws when its training error becomes NaN: no time is reported for that kind.
      brainFailures.push(`${describe(config)}: ${(error as Error).message}`);
      return undefined;
    }
  });
  warmUpProcess(gatedSubject, grid, timing.minMs);
  const entries: SpeedEntry[] = grid.map(({ config, headline }, i) => {
    const subject = gatedSubject(config);
    const [trainMs, inferMs] = measure(subject, timing);
    const gated = measured(config, trainMs, inferMs, subject.activationBytes());
    subject.dispose();
    const tfLayers = {
      ...peersFirst[i]!,
      maxOutputDifference: peersFirst[i]!.sameWeights ? outputDifference(config) : undefined,
    };
    const torchResult = torch.results?.[i]
      ? measured(config, torch.results[i]!.trainMs, torch.results[i]!.inferMs)
      : undefined;
    progress.tick(`gated ${describe(config)}`);
    const ortMs = onnxMs[i];
    const brain = brainMs[i];
    return {
      config,
      headline,
      gated,
      tfLayers,
      ...(torchResult ? { torch: torchResult } : {}),
      ...(brain ? { brainjs: brain } : {}),
      ...(ortMs !== undefined
        ? {
            onnxruntime: {
              inferMs: ortMs,
              inferTokensPerSecond: (1000 * config.batch * config.length) / ortMs,
            },
          }
        : {}),
      ratios: {
        trainVsTfLayers: tfLayers.trainMs / gated.trainMs,
        inferVsTfLayers: tfLayers.inferMs / gated.inferMs,
        ...(torchResult
          ? {
              trainVsTorch: torchResult.trainMs / gated.trainMs,
              inferVsTorch: torchResult.inferMs / gated.inferMs,
            }
          : {}),
        ...(ortMs !== undefined ? { inferVsOnnxruntime: ortMs / gated.inferMs } : {}),
        ...(brain
          ? {
              trainVsBrainjs: brain.trainMs / gated.trainMs,
              inferVsBrainjs: brain.inferMs / gated.inferMs,
            }
          : {}),
      },
    };
  });
  await withPortableEngines(() => {
    for (const entry of entries.filter((e) => e.headline)) {
      const subject = gatedSubject(entry.config);
      const [trainMs, inferMs] = measure(subject, timing);
      subject.dispose();
      entry.portable = { trainMs, inferMs };
    }
  });
  const soakConfig: SpeedConfig = options.quick
    ? { kind: 'lstm', batch: 4, length: 5, input: 8, hidden: 16 }
    : { kind: 'lstm', batch: 32, length: 50, input: 32, hidden: 128 };
  const memory = soak(soakConfig, options.quick ? 40 : 1000, options.quick ? 10 : 100);
  progress.tick(`memory: ${memory.steps} training steps`);
  const decoding = await g2pDecodeLatency(options.quick ? 20 : 200);
  progress.tick(
    decoding
      ? `G2P greedy decoding: ${decoding.msPerWord.toFixed(2)} ms per word`
      : 'G2P greedy decoding: no model at packages/g2p/model',
  );
  return {
    suite: 'speed',
    schemaVersion: 1,
    quick: options.quick,
    machine: describeMachine(),
    protocol: {
      warmup,
      reps,
      minMs,
      statistic: 'median',
      loss: 'MSE of the last hidden state',
      optimizer: 'Adam 1e-3 (tf.train.adam; torch.optim.Adam)',
    },
    peers: {
      'tf.layers': {
        version: tf.version.tfjs,
        measured: true,
        note: 'same backend, inputs and (LSTM, RNN) weights; measured on stock kernels',
      },
      pytorch: torch.measured
        ? {
            version: torch.version,
            threads: torch.threads,
            measured: true,
            note: 'subprocess, CPU; at each size the faster of 1 and 2 intra-op threads',
          }
        : { measured: false, note: torch.note },
      'onnxruntime-node':
        'ort' in onnxruntime && onnxMs.some((ms) => ms !== undefined)
          ? {
              version: onnxruntime.version,
              threads: ORT_THREADS,
              measured: true,
              note: 'inference only: the PyTorch layer exported to ONNX (opset 14), run with onnxruntime-node; at each size the faster of 1 and 2 intra-op threads',
            }
          : {
              measured: false,
              note:
                'note' in onnxruntime
                  ? onnxruntime.note
                  : 'needs PyTorch to export the layers to ONNX',
            },
      'brain.js':
        'brain' in brainjs
          ? {
              version: brainjs.version,
              measured: true,
              note: `LSTMTimeStep/GRUTimeStep/RNNTimeStep at the headline size: one training pass over the batch's sequences, and a forward run of each${brainFailures.length > 0 ? `; failed: ${brainFailures.join('; ')}` : ''}`,
            }
          : { measured: false, note: brainjs.note },
    },
    entries,
    memory,
    decoding,
  };
}

export function describe(config: SpeedConfig): string {
  return `${config.kind.toUpperCase()} B${config.batch} T${config.length} H${config.hidden}`;
}

/** Largest |ours − tf.layers| of the final hidden state, where both hold the same weights. */
function outputDifference(config: SpeedConfig): number {
  const peer = tfLayersSubject(config);
  const ours = makeGatedLayer(config);
  const difference = tf.tidy(() => {
    const x = tf.randomNormal(
      [config.batch, config.length, config.input],
      0,
      1,
      'float32',
      1,
    ) as tf.Tensor3D;
    const mine = tf.squeeze(ours.forward(x).hN, [0]);
    return tf.max(tf.abs(tf.sub(peer.output(), mine))).dataSync()[0]!;
  });
  peer.dispose();
  ours.dispose();
  return difference;
}

function measureTorch(
  configs: SpeedConfig[],
  timing: Timing,
  onnxDir?: string,
): {
  measured: boolean;
  version?: string;
  threads?: number;
  results?: Array<{ trainMs: number; inferMs: number; onnx?: string }>;
  note: string;
} {
  const python = findTorchPython();
  if (!python)
    return {
      measured: false,
      note: "python3 -c 'import torch' failed: install python3-torch (and libopenblas0-pthread) to compare",
    };
  const output = execFileSync(python, [join(here, '..', '..', 'python', 'speed_torch.py')], {
    input: JSON.stringify({ configs, ...timing, ...(onnxDir ? { onnxDir } : {}) }),
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const parsed = JSON.parse(output) as {
    torch: string;
    threads: number;
    results: Array<{ trainMs: number; inferMs: number; onnx?: string }>;
  };
  return {
    measured: true,
    version: parsed.torch,
    threads: parsed.threads,
    results: parsed.results,
    note: '',
  };
}
