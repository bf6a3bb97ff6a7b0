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
      'claims-bottleneck.svg',
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
      expect(results.vanishingGradients[kind].every((v) => v >= 0)).toBe(true);
    }
    const { bottleneck } = results;
    expect(bottleneck.attention).toHaveLength(bottleneck.lengths.length);
    expect(bottleneck.noAttention).toHaveLength(bottleneck.lengths.length);
    expect(bottleneck.verdict.length).toBeGreaterThan(20);
    expect(readFileSync(join(out, 'claims.md'), 'utf8')).toContain('## 2. Vanishing gradients');
  });
});
