import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArguments, runSuite } from '../cli';
import { UsageError } from '../cli-arguments';
import { speedFigures } from './report-speed';
import type { SpeedResults } from './run-speed';

const out = mkdtempSync(join(tmpdir(), 'gated-bench-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('pnpm bench speed --quick', () => {
  it('writes speed.json with the documented schema and speed.md; draws the figures', async () => {
    const written = await runSuite(parseArguments(['speed', '--quick', '--out', out]));
    // The quick grid has one length and no headline size, so no figure: see below for those.
    expect(written.map((p) => p.slice(out.length + 1)).sort()).toEqual(['speed.json', 'speed.md']);
    const results = JSON.parse(readFileSync(join(out, 'speed.json'), 'utf8')) as SpeedResults;
    expect(results).toMatchObject({
      suite: 'speed',
      schemaVersion: 1,
      quick: true,
      protocol: { statistic: 'median' },
    });
    expect(results.machine.backend).toBe('wasm');
    expect(results.entries.map((e) => [e.config.kind, e.config.batch])).toEqual([
      ['rnn', 1],
      ['rnn', 4],
      ['lstm', 1],
      ['lstm', 4],
      ['gru', 1],
      ['gru', 4],
    ]);
    for (const entry of results.entries) {
      for (const subject of [entry.gated, entry.tfLayers]) {
        expect(subject.trainMs).toBeGreaterThan(0);
        expect(subject.inferMs).toBeGreaterThan(0);
        expect(subject.trainTokensPerSecond).toBeCloseTo(
          (entry.config.batch * entry.config.length * 1000) / subject.trainMs,
          6,
        );
      }
      expect(entry.ratios.trainVsTfLayers).toBeCloseTo(
        entry.tfLayers.trainMs / entry.gated.trainMs,
        9,
      );
      // Same weights, same function: tf.layers and gated agree where the formulations match.
      if (entry.config.kind !== 'gru')
        expect(entry.tfLayers.maxOutputDifference).toBeLessThan(1e-5);
    }
    expect(Object.keys(results.peers).sort()).toEqual([
      'brain.js',
      'onnxruntime-node',
      'pytorch',
      'tf.layers',
    ]);
    expect(results.memory.steps).toBe(40);
    expect(results.memory.tensorGrowth).toBe(0); // 30 training steps after warm-up leak nothing
    // The demo's G2P model is committed: its greedy decoding is timed, both ways.
    expect(results.decoding?.words).toBe(20);
    expect(results.decoding?.msPerWord).toBeGreaterThan(0);
    expect(results.decoding?.opsMsPerWord).toBeGreaterThan(0);
    const markdown = readFileSync(join(out, 'speed.md'), 'utf8');
    expect(markdown).toContain('| LSTM B4 T5 H16 |');
    expect(markdown).toContain('one word at a time (batch 1): median');

    // The figures, from these entries given a second length (10) and a headline size.
    const lstm = results.entries.filter((e) => e.config.kind === 'lstm');
    const longer = lstm.map((e) => ({ ...e, config: { ...e.config, length: 10 } }));
    const headline = { ...lstm[1]!, headline: true };
    const figures = speedFigures({
      ...results,
      entries: [...results.entries, ...longer, headline],
    });
    expect(Object.keys(figures).sort()).toEqual([
      'speed-headline.svg',
      'speed-infer-vs-length.svg',
      'speed-train-vs-length.svg',
    ]);
    const train = figures['speed-train-vs-length.svg'] as unknown as {
      data: { values: Array<{ series: string; x: number; y: number }> };
    };
    // LSTM at the largest batch (4), lengths 5 and 10, per subject
    expect(train.data.values.filter((v) => v.series === 'gated')).toEqual([
      { series: 'gated', x: 5, y: lstm[1]!.gated.trainMs },
      { series: 'gated', x: 10, y: lstm[1]!.gated.trainMs },
    ]);
  });

  it('refuses bad arguments as usage errors (the CLI prints the usage and exits 2)', () => {
    expect(() => parseArguments([])).toThrow(UsageError);
    expect(() => parseArguments([])).toThrow('which suite?');
    expect(() => parseArguments(['speed', '--backend', 'gpu'])).toThrow(
      '--backend must be wasm, cpu or tensorflow, got gpu',
    );
    expect(() => parseArguments(['speed', '--fast'])).toThrow("Unknown option '--fast'");
  });
});
