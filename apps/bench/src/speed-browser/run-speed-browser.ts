import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, homedir, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { findTorchPython } from '../machine';
import { buildPage, removePage, servePage } from './page-server';
import type { BrowserConfig, PageRequest, PageResult, PointTimes, Timing } from './protocol';

/*
 * `pnpm bench speed-browser`: the recurrent layers in headless Chromium, in a page built from
 * the packages and served cross-origin isolated: gated with @gated/wasm, tf.layers on the same
 * wasm backend and onnxruntime-web (wasm, 1 and 2 threads) running the PyTorch-exported layer,
 * side by side in each page load (page/main.ts).
 */

export const ORT_THREADS = [1, 2];
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];

/** Ratios at one grid point in one page load (> 1 favours gated, except `inferVsOrt*`). */
export interface PointRatios {
  /** tf.layers' training step over gated's. */
  trainVsTfLayers: number;
  /** tf.layers' inference over gated's. */
  inferVsTfLayers: number;
  /** gated's inference over onnxruntime-web's, by thread count, and over the faster (≤ 1: gated is as fast or faster). */
  inferVsOrt?: Record<string, number>;
  inferVsOrtBest?: number;
}

export interface BrowserEntry {
  config: BrowserConfig;
  /** One per page load. */
  loads: Array<PointTimes & { ratios: PointRatios }>;
}

export interface SpeedBrowserResults {
  suite: 'speed-browser';
  schemaVersion: 1;
  quick: boolean;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; date: string };
  browser: {
    name: string;
    version: string;
    userAgent: string;
    hardwareConcurrency: number;
    crossOriginIsolated: boolean;
  };
  protocol: Timing & { statistic: 'median'; pageLoads: number };
  /** The threads that were active (from the first load; every load is checked to agree). */
  threads: {
    tfjs: number;
    gatedKernels: number;
    gatedNote?: string;
    /** Whether gated's kernels ran their relaxed-SIMD build (fused multiply-add). */
    gatedFusedMultiplyAdd: boolean;
    engines: string[];
    onnxruntimeWeb: number[];
  };
  peers: {
    'tf.layers': { measured: true; note: string };
    'onnxruntime-web': { measured: boolean; version?: string; torch?: string; note: string };
  };
  mainThread: PageResult['mainThread'];
  /** The decoding check in the gated worker, per page load. */
  workerDecoding: Array<PageResult['workerDecoding']>;
  entries: BrowserEntry[];
  soak: PageResult['soak'];
}

export interface SpeedBrowserOptions {
  quick: boolean;
  /** Page loads (default 3; 1 in a quick run). */
  loads?: number;
  /** gated's kernel threads in the page (absent: installWasmKernels' 'auto'). */
  threads?: number;
}

/** The grid: LSTM and GRU at batch 32 and 1 (length 50, input 32, hidden 128; shorter when quick). */
export function browserGrid(quick: boolean): BrowserConfig[] {
  const length = quick ? 10 : 50;
  return (['lstm', 'gru'] as const).flatMap((kind) =>
    [32, 1].map((batch) => ({ kind, batch, length, input: 32, hidden: 128 })),
  );
}

/** onnxruntime-web's package folder: ONNXRUNTIME_WEB, else the side install in ~/.cache/gated-peers. */
export function findOnnxruntimeWeb(): { dist: string; version: string } | { note: string } {
  const explicit = process.env.ONNXRUNTIME_WEB;
  const folder =
    explicit ?? join(homedir(), '.cache', 'gated-peers', 'node_modules', 'onnxruntime-web');
  const manifest = join(folder, 'package.json');
  if (!existsSync(manifest) || !existsSync(join(folder, 'dist', 'ort.wasm.min.mjs')))
    return {
      note: explicit
        ? `ONNXRUNTIME_WEB is ${explicit}, which holds no onnxruntime-web with dist/ort.wasm.min.mjs`
        : 'onnxruntime-web not found: install it on the side (see the bench README) or set ONNXRUNTIME_WEB',
    };
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { dist: join(folder, 'dist'), version };
}

/** The configs' PyTorch layers exported to ONNX in `dir` (0.onnx, 1.onnx, …). */
function exportModels(configs: BrowserConfig[], dir: string): { torch: string } | { note: string } {
  const python = findTorchPython();
  if (!python) return { note: "python3 -c 'import torch' failed: no PyTorch to export the layers" };
  const output = execFileSync(
    python,
    [join(import.meta.dirname, '..', '..', 'python', 'speed_browser_onnx.py')],
    { input: JSON.stringify({ configs, dir }), encoding: 'utf8' },
  );
  return JSON.parse(output) as { torch: string };
}

function ratiosOf(p: PointTimes): PointRatios {
  const ratios: PointRatios = {
    trainVsTfLayers: p.tfLayersTrainMs / p.gatedTrainMs,
    inferVsTfLayers: p.tfLayersInferMs / p.gatedInferMs,
  };
  const ort = Object.entries(p.ortInferMs);
  if (ort.length > 0) {
    ratios.inferVsOrt = Object.fromEntries(ort.map(([t, ms]) => [t, p.gatedInferMs / ms]));
    ratios.inferVsOrtBest = p.gatedInferMs / Math.min(...ort.map(([, ms]) => ms));
  }
  return ratios;
}

/** Runs the suite: builds and serves the page, then `loads` page loads in one Chromium. */
export async function runSpeedBrowser(
  options: SpeedBrowserOptions,
  executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
): Promise<SpeedBrowserResults> {
  if (!existsSync(executablePath))
    throw new Error(`speed-browser: no Chromium at ${executablePath} (set CHROMIUM_PATH)`);
  const { quick } = options;
  const loads = options.loads ?? (quick ? 1 : 3);
  const configs = browserGrid(quick);
  const timing: Timing = quick
    ? { warmup: 1, reps: 2, minMs: 0, rounds: 1 }
    : { warmup: 3, reps: 5, minMs: 300, rounds: 3 };
  const ortWeb = findOnnxruntimeWeb();
  const models = mkdtempSync(join(tmpdir(), 'gated-speed-browser-models-'));
  const exported = 'dist' in ortWeb ? exportModels(configs, models) : undefined;
  const withOrt = 'dist' in ortWeb && exported !== undefined && 'torch' in exported;
  const page = await buildPage();
  const server = await servePage(page, {
    ortDist: 'dist' in ortWeb ? ortWeb.dist : undefined,
    models,
  });
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const version = browser.version();
  const results: PageResult[] = [];
  try {
    for (let load = 0; load < loads; load++) {
      const context = await browser.newContext();
      const tab = await context.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(error.message));
      await tab.goto(server.url);
      await tab.waitForFunction(() => 'runSpeedBrowser' in globalThis);
      const request: PageRequest = {
        configs,
        timing,
        soakSteps: load === 0 ? (quick ? 40 : 1000) : 0,
        onnx: withOrt ? configs.map((_, i) => `${i}.onnx`) : undefined,
        ortThreads: ORT_THREADS,
        ...(options.threads ? { gatedThreads: options.threads } : {}),
      };
      try {
        results.push(
          await tab.evaluate(
            (r) =>
              (
                globalThis as unknown as {
                  runSpeedBrowser(r: PageRequest): Promise<PageResult>;
                }
              ).runSpeedBrowser(r),
            request,
          ),
        );
      } catch (error) {
        throw new Error(
          `speed-browser: the page failed: ${(error as Error).message}\n${errors.join('\n')}`,
        );
      }
      await context.close();
      console.error(`speed-browser: page load ${load + 1} of ${loads} done`);
    }
  } finally {
    await browser.close();
    await server.close();
    removePage(page);
    rmSync(models, { recursive: true, force: true });
  }
  const first = results[0]!;
  const ortNote =
    'note' in ortWeb
      ? ortWeb.note
      : exported && 'note' in exported
        ? exported.note
        : 'inference only: the PyTorch layer exported to ONNX (opset 14), onnxruntime-web wasm backend, one worker per thread count';
  return {
    suite: 'speed-browser',
    schemaVersion: 1,
    quick,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      date: new Date().toISOString(),
    },
    browser: {
      name: 'Chromium (headless)',
      version,
      userAgent: first.userAgent,
      hardwareConcurrency: first.hardwareConcurrency,
      crossOriginIsolated: first.crossOriginIsolated,
    },
    protocol: { ...timing, statistic: 'median', pageLoads: loads },
    threads: {
      tfjs: first.gated.tfjsThreads,
      gatedKernels: first.gated.kernelThreads,
      ...(first.gated.threadsNote ? { gatedNote: first.gated.threadsNote } : {}),
      gatedFusedMultiplyAdd: first.gated.fusedMultiplyAdd,
      engines: first.gated.engines,
      onnxruntimeWeb: withOrt ? ORT_THREADS : [],
    },
    peers: {
      'tf.layers': {
        measured: true,
        note: 'tfjs-layers 4.22 on the same wasm backend (LSTM and GRU with sigmoid recurrent activation)',
      },
      'onnxruntime-web': {
        measured: withOrt,
        ...('version' in ortWeb ? { version: ortWeb.version } : {}),
        ...(exported && 'torch' in exported ? { torch: exported.torch } : {}),
        note: ortNote,
      },
    },
    mainThread: first.mainThread,
    workerDecoding: results.map((result) => result.workerDecoding),
    entries: configs.map((config, i) => ({
      config,
      loads: results.map((r) => ({ ...r.points[i]!, ratios: ratiosOf(r.points[i]!) })),
    })),
    soak: first.soak,
  };
}
