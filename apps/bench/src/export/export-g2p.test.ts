import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { g2pTsv, main } from './export-g2p';

const scratch = mkdtempSync(join(tmpdir(), 'gated-export-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('export-g2p', () => {
  it('writes one split<TAB>word<TAB>phonemes line per pronunciation, train, dev, test', () => {
    const entry = (word: string, ...pronunciations: string[]) => ({
      word,
      graphemes: Array.from(word),
      pronunciations: pronunciations.map((p) => p.split(' ')),
    });
    const tsv = g2pTsv({
      train: [entry('read', 'R IY D', 'R EH D')],
      dev: [entry("o'er", 'AO R')],
      test: [entry('zebra', 'Z IY B R AH')],
    });
    expect(tsv).toBe(
      "train\tread\tR IY D\ntrain\tread\tR EH D\ndev\to'er\tAO R\ntest\tzebra\tZ IY B R AH\n",
    );
  });

  it('exports CMUdict with its split, and says how many lines', async () => {
    const out = join(scratch, 'g2p.tsv');
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['--out', out])).toBe(0);
    expect(log.mock.calls[0]![0]).toMatch(/train, \d+ dev, \d+ test lines$/);
    log.mockRestore();
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(100_000);
    expect(new Set(lines.map((l) => l.split('\t')[0]))).toEqual(new Set(['train', 'dev', 'test']));
    expect(lines.every((l) => /^(train|dev|test)\t[a-z']+\t[A-Z]+( [A-Z]+)*$/.test(l))).toBe(true);
  });

  it('keeps the stress digits with --stress: the same words in the same splits', async () => {
    const plain = join(scratch, 'plain.tsv');
    const stressed = join(scratch, 'stressed.tsv');
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['--out', plain])).toBe(0);
    expect(await main(['--out', stressed, '--stress'])).toBe(0);
    log.mockRestore();
    const bare = readFileSync(plain, 'utf8').trimEnd().split('\n');
    const marked = readFileSync(stressed, 'utf8').trimEnd().split('\n');
    expect(marked.find((l) => l.startsWith('train\tabbey\t'))).toBe('train\tabbey\tAE1 B IY0');
    // Stress-free, pronunciations that differ only in stress are one: more lines with it.
    expect(marked.length).toBeGreaterThan(bare.length);
    expect(new Set(marked.map((l) => l.replace(/[012]/g, '')))).toEqual(new Set(bare));
    const words = (lines: string[]) => new Set(lines.map((l) => l.split('\t', 2).join('\t')));
    expect(words(marked)).toEqual(words(bare));
  });

  it.each([
    [[], 'export-g2p needs --out FILE'],
    [['--out'], 'argument missing'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['--out', 'x', 'extra'], "unexpected argument 'extra'"],
  ])('%j is a usage error: exit 2, named on stderr', async (argv, message) => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(argv)).toBe(2);
    expect(log.mock.calls[0]![0]).toContain(message);
    log.mockRestore();
  });
});
