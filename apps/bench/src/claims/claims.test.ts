import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArguments, runSuite } from '../cli';
import type { ClaimsResults } from './run-claims';

const out = mkdtempSync(join(tmpdir(), 'gated-claims-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('pnpm bench claims --quick', () => {
  it('writes claims.json with the documented schema, claims.md and figures', async () => {
    const written = await runSuite(parseArguments(['claims', '--quick', '--out', out]));
    expect(written.map((p) => p.slice(out.length + 1)).sort()).toEqual([
      'claims-alignment-dates.svg',
      'claims-alignment-g2p.svg',
      'claims-bottleneck.svg',
      'claims-memory-horizon.svg',
      'claims-vanishing-gradients.svg',
      'claims.json',
      'claims.md',
    ]);
    const results = JSON.parse(readFileSync(join(out, 'claims.json'), 'utf8')) as ClaimsResults;
    expect(results).toMatchObject({ suite: 'claims', schemaVersion: 1, quick: true });
    expect(
      results.parameterCounts.rows.find((r) => r.kind === 'LSTM' && r.input === 16)!.measured,
    ).toBe(6400);
    expect(
      results.parameterCounts.rows.find((r) => r.kind === 'GRU' && r.input === 16)!.measured,
    ).toBe(4800);
    for (const kind of ['rnn', 'lstm', 'gru'] as const) {
      expect(results.vanishingGradients[kind]).toHaveLength(
        results.vanishingGradients.distances.length,
      );
      // At initialisation the gradient reaches every step, weaker the farther it travels.
      const norms = results.vanishingGradients[kind];
      expect(
        norms.every((v) => Number.isFinite(v) && v > 0),
        kind,
      ).toBe(true);
      expect(norms.at(-1)!, kind).toBeLessThan(norms[0]!);
    }
    const { bottleneck } = results;
    expect(bottleneck.attention).toHaveLength(bottleneck.lengths.length);
    expect(bottleneck.noAttention).toHaveLength(bottleneck.lengths.length);
    expect(bottleneck.verdict.length).toBeGreaterThan(20);
    const horizon = results.memoryHorizon!;
    expect(horizon.distances).toEqual([3, 6]);
    for (const cell of ['rnn', 'gru', 'lstm'] as const) {
      expect(horizon[cell]).toHaveLength(2);
      // Accuracies on 256 held-out sequences each: whole counts out of 256.
      for (const a of horizon[cell]) expect(Number.isInteger(a * 256) && a <= 1, `${a}`).toBe(true);
      expect(horizon.runs[cell].steps).toBeGreaterThan(0);
      expect(horizon.clean.runs[cell].accuracy).toHaveLength(2);
      expect(horizon.scratch[cell]).toHaveLength(2);
    }
    expect(results.gruVsLstm!.reversal.cells.map((c) => c.cell)).toEqual(['gru', 'lstm']);
    const alignment = results.alignment!;
    // the shipped dates model converts every date: the share is measured on all 20
    expect(alignment.dates.examples).toBe(20);
    expect(alignment.dates.share.all).toBeGreaterThan(alignment.dates.uniformShare.all);
    // measured on the quick run's 20 test words the shipped G2P model pronounces right
    expect(alignment.g2p!.examples).toBeLessThanOrEqual(20);
    expect(alignment.g2p!.nearDiagonalShare).toBeGreaterThan(
      alignment.g2p!.uniformNearDiagonalShare,
    );
    const markdown = readFileSync(join(out, 'claims.md'), 'utf8');
    for (const heading of [
      '## 1. Parameter counts',
      '## 2. Vanishing gradients',
      '## 3. Memory horizon',
      '## 4. GRU against LSTM',
      '## 5. The bottleneck, and 6. source reversal',
      '## 7. Attention alignment',
    ])
      expect(markdown).toContain(heading);

    // --only reruns some claims and keeps the others from the file already written
    await runSuite(parseArguments(['claims', '--quick', '--only', 'parameters', '--out', out]));
    const again = JSON.parse(readFileSync(join(out, 'claims.json'), 'utf8')) as ClaimsResults;
    expect(again.bottleneck).toEqual(results.bottleneck);
    expect(again.memoryHorizon).toEqual(results.memoryHorizon);
    // the header keeps the first run's machine and date and names what was measured again
    expect(again.machine).toEqual(results.machine);
    expect(again.reruns!.map((r) => r.claims)).toEqual([['parameters']]);
    expect(readFileSync(join(out, 'claims.md'), 'utf8')).toContain(
      `; parameters measured again ${again.reruns![0]!.machine.date.slice(0, 10)} on `,
    );
    expect(() => parseArguments(['claims', '--only'])).toThrow(
      "Option '--only <value>' argument missing",
    );
    await expect(
      runSuite(parseArguments(['claims', '--quick', '--only', 'nonsense', '--out', out])),
    ).rejects.toThrow('unknown: nonsense');
  });
});
