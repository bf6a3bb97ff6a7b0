import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { classifierAccuracy, loadClassifier, recallBatch } from '@gated/models';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArguments, runSuite } from '../cli';
import type { G2PResults } from '../g2p/g2p-report';
import { runPredict } from './predict';
import type { ModelResults } from './run-models';

const out = mkdtempSync(join(tmpdir(), 'gated-models-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('pnpm bench train-demo-models --quick, g2p --quick, predict', () => {
  it('trains the four demo models, writes results with the documented schema, and predicts from stdin', async () => {
    await runSuite(parseArguments(['train-demo-models', '--quick', '--out', out]));
    const results = JSON.parse(
      readFileSync(join(out, 'train-demo-models.json'), 'utf8'),
    ) as ModelResults;
    expect(results).toMatchObject({ suite: 'train-demo-models', schemaVersion: 1, quick: true });
    expect(results.models.map((m) => m.task)).toEqual(['dates', 'dates-plain', 'g2p']);
    expect(results.recall).toMatchObject({ task: 'recall', trainedSteps: 20, parameters: 332 });
    expect(results.recall!.accuracy.map((a) => a.distance)).toEqual([3, 6]);
    expect(readdirSync(results.recall!.modelDir).sort()).toEqual([
      'config.json',
      'weights.safetensors',
    ]);
    // The accuracy reported is the written model's, on the held-out sequences of each distance.
    const recall = loadClassifier<{ accuracy: unknown }>(
      readFileSync(join(results.recall!.modelDir, 'config.json'), 'utf8'),
      readFileSync(join(results.recall!.modelDir, 'weights.safetensors')),
    );
    expect(recall.extra.accuracy).toEqual(results.recall!.accuracy);
    for (const { distance, accuracy } of results.recall!.accuracy)
      expect(
        classifierAccuracy(recall.model, recallBatch(256, distance, 1_000_000 + distance)),
      ).toBe(accuracy);
    recall.model.dispose();
    for (const m of results.models) {
      expect(m.trainedSteps).toBe(20);
      expect(m.test.examples).toBe(20);
      expect(m.test.wordErrorRate).toBeCloseTo(1 - m.test.exactMatch, 12);
      // The quick recipes' models (their sizes and the vocabularies of the quick splits).
      expect(m.parameters).toBe(
        ({ dates: 8687, 'dates-plain': 6879, g2p: 17272 } as Record<string, number>)[m.task],
      );
      expect(m.latencyMsPerWord).toBeGreaterThan(0);
    }
    await runSuite(parseArguments(['g2p', '--quick', '--out', out]));
    const g2p = JSON.parse(readFileSync(join(out, 'g2p.json'), 'utf8')) as G2PResults;
    expect(g2p).toMatchObject({ suite: 'g2p', schemaVersion: 3, quick: true });
    expect(g2p.model.trainedSteps).toBe(20);
    expect(g2p.test.words).toBe(20);
    expect([g2p.test.greedy.beamSize, g2p.test.beam.beamSize]).toEqual([1, 2]);
    for (const d of [g2p.test.greedy, g2p.test.beam]) {
      // Stripping stress can only turn a miss into a match, never the reverse.
      expect(d.withStress.wordErrorRate).toBeGreaterThanOrEqual(d.withoutStress.wordErrorRate);
      expect(d.withStress.examples).toBe(20);
    }
    // F16 halves the weights (plus the same header).
    expect(g2p.model.f16Bytes / g2p.model.f32Bytes).toBeGreaterThan(0.45);
    expect(g2p.model.f16Bytes / g2p.model.f32Bytes).toBeLessThan(0.6);
    const g2pMd = readFileSync(join(out, 'g2p.md'), 'utf8');
    expect(g2pMd).toContain('Yao & Zweig 2015');
    expect(g2pMd).toContain('Beside `phonemizer`');

    let written = '';
    const sink = new Writable({
      write: (chunk, _encoding, done) => {
        written += chunk;
        done();
      },
    });
    const summary = await runPredict(
      join(out, 'models', 'g2p'),
      2,
      Readable.from(['hello\n', '\n', 'zyxwvut\n']),
      sink,
      { log: () => {} },
    );
    expect(summary).toEqual({ lines: 3, predicted: 2, skipped: 1 });
    const rows = written.split('\n').map((l) => l.split('\t'));
    expect(rows.map((r) => r[0])).toEqual(['hello', '', 'zyxwvut', '']);
    expect(rows[1]).toEqual(['', '']); // the empty line: an empty output
    // 20 steps teach no pronunciation, but beam search still writes target symbols.
    for (const row of [rows[0]!, rows[2]!]) expect(row[1]).toMatch(/^[A-Z]+( [A-Z]+)*$/);
  });

  it('refuses predict without a model', () => {
    expect(() => parseArguments(['predict'])).toThrow('predict needs --model DIR');
    expect(() => parseArguments(['g2p', '--time-budget', 'soon'])).toThrow(
      '--time-budget must be a number ≥ 0, got soon',
    );
  });
});
