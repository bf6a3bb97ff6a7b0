import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArguments, runSuite } from '../cli';
import type { SpeedBrowserResults } from './run-speed-browser';
import { findOnnxruntimeWeb } from './run-speed-browser';

const out = mkdtempSync(join(tmpdir(), 'gated-bench-browser-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) console.warn(`speed-browser test skipped: no Chromium at ${chromium}`);

describe.skipIf(!existsSync(chromium))('pnpm bench speed-browser --quick', () => {
  it('times every subject in one cross-origin isolated page and writes the results', async () => {
    const written = await runSuite(parseArguments(['speed-browser', '--quick', '--out', out]));
    expect(written.map((p) => p.slice(out.length + 1)).sort()).toEqual([
      'speed-browser.json',
      'speed-browser.md',
    ]);
    const r = JSON.parse(
      readFileSync(join(out, 'speed-browser.json'), 'utf8'),
    ) as SpeedBrowserResults;
    expect(r).toMatchObject({ suite: 'speed-browser', schemaVersion: 1, quick: true });
    expect(r.protocol.pageLoads).toBe(1);
    expect(r.browser.crossOriginIsolated).toBe(true);
    expect(r.browser.version).toMatch(/^\d+\./);
    // Isolated: the accelerator's pool runs on Web Workers, by default half the cores but two at
    // least (≤ 4), and as many as the page offers (≤ 4) when asked (the main thread asks for two).
    const cores = r.browser.hardwareConcurrency;
    expect(r.threads.gatedKernels).toBe(
      cores < 2 ? 1 : Math.min(4, Math.max(2, Math.ceil(cores / 2))),
    );
    if (r.threads.gatedKernels > 1) expect(r.threads.engines[0]).toBe('wasm-threads');
    else expect(r.threads.gatedNote).toContain(`hardwareConcurrency is ${cores}`);
    // Chromium has run relaxed SIMD since 114: the kernels take their fused multiply-add build.
    expect(r.threads.gatedFusedMultiplyAdd).toBe(true);
    expect(r.mainThread.kernelThreads).toBe(Math.min(2, cores));
    if (cores > 1) expect(r.mainThread.engine).toBe('wasm-threads');
    // The pool on the main thread computes what one thread does (within float rounding).
    expect(r.mainThread.maxDifference).toBeLessThan(1e-5);
    // Greedy decoding in one call, its rows split between the pool's threads: one thread's bits.
    expect(r.mainThread.decoding).toMatchObject({ sources: 13, sameTokens: true });
    expect(r.mainThread.decoding.maxScoreDifference).toBe(0);
    expect(r.mainThread.decoding.kernels).toContain('GatedGreedyAttentionDecode');
    // The same in the gated worker, where the demo decodes.
    expect(r.workerDecoding).toHaveLength(1);
    expect(r.workerDecoding[0]).toMatchObject({ sources: 13, sameTokens: true });
    expect(r.workerDecoding[0]!.kernelThreads).toBe(Math.min(2, cores));
    expect(r.workerDecoding[0]!.maxScoreDifference).toBe(0);
    expect(r.workerDecoding[0]!.kernels).toContain('GatedGreedyAttentionDecode');
    expect(r.entries.map((e) => [e.config.kind, e.config.batch])).toEqual([
      ['lstm', 32],
      ['lstm', 1],
      ['gru', 32],
      ['gru', 1],
    ]);
    const withOrt = 'dist' in findOnnxruntimeWeb() && r.peers['onnxruntime-web'].measured;
    if (!withOrt) console.warn(`onnxruntime-web not timed: ${r.peers['onnxruntime-web'].note}`);
    for (const e of r.entries) {
      const [load] = e.loads;
      for (const v of [load!.gatedInferMs, load!.gatedTrainMs, load!.tfLayersInferMs])
        expect(v).toBeGreaterThan(0);
      expect(load!.ratios.trainVsTfLayers).toBeCloseTo(
        load!.tfLayersTrainMs / load!.gatedTrainMs,
        9,
      );
      expect(load!.gatedEngines.infer).toMatch(/^wasm/);
      expect(Object.keys(load!.ortInferMs)).toEqual(withOrt ? ['1', '2'] : []);
      if (withOrt)
        expect(load!.ratios.inferVsOrtBest).toBeCloseTo(
          load!.gatedInferMs / Math.min(...Object.values(load!.ortInferMs)),
          9,
        );
    }
    // Training in the page leaks neither tensors nor heap.
    expect(r.soak).toMatchObject({ steps: 40, tensorGrowth: 0, byteGrowth: 0 });
    const md = readFileSync(join(out, 'speed-browser.md'), 'utf8');
    expect(md).toContain('# Speed in the browser (quick run');
    expect(md).toContain('| LSTM B32 T10 I32 H128 |');
  });
});
