import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createG2P } from './pronouncer';

const packageDir = join(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'gated-g2p-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Runs the CLI from source, as `gated-g2p ...args`, with `input` on stdin. Under tsx the workspace
 * packages resolve to their dist/, hence this package's turbo.json: test after ^build.
 */
function cli(args: string[], input = '') {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: packageDir,
    input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const rows = (stdout: string) =>
  stdout
    .split('\n')
    .slice(0, -1)
    .map((line) => line.split('\t'));

describe('gated-g2p', () => {
  it('prints its usage for --help and -h on stdout, and its version', () => {
    for (const flag of ['--help', '-h']) {
      const { status, stdout, stderr } = cli([flag]);
      expect(status).toBe(0);
      expect(stdout).toMatch(/^usage: gated-g2p \[options\] \[file \.\.\.\]/);
      expect(stdout).toContain('--no-lexicon');
      expect(stderr).toBe('');
    }
    const version = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;
    expect(cli(['--version'])).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('names a usage mistake on stderr and exits 2', () => {
    for (const [args, message] of [
      [['--nbest', '0'], '--nbest must be an integer from 1 to 32, got 0'],
      [['--nbest'], "Option '--nbest <value>' argument missing"],
      [['--stress'], "Unknown option '--stress'"],
    ] as const) {
      const { status, stdout, stderr } = cli([...args]);
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(`gated-g2p: ${message}`);
      expect(stderr).toContain('usage: gated-g2p');
    }
  });

  it('writes one line per input line, in order: input<TAB>phonemes', () => {
    const input = 'Hello, world!\nZebra\n\nZEBRA\r\ngatedness\nzebra';
    const { status, stdout, stderr } = cli([], input);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const out = rows(stdout);
    expect(out.map((r) => r[0])).toEqual([
      'Hello, world!',
      'Zebra',
      '',
      'ZEBRA',
      'gatedness',
      'zebra',
    ]);
    expect(out[0]).toEqual(['Hello, world!', 'HH AH0 L OW1 | W ER1 L D']);
    expect(out[1]).toEqual(['Zebra', 'Z IY1 B R AH0']);
    expect(out[2]).toEqual(['', '']);
    expect(out[3]).toEqual(['ZEBRA', out[1]![1]]);
    expect(out[5]).toEqual(['zebra', out[1]![1]]);
    expect(out[4]![1]).toMatch(/^[A-Z]+[012]?( [A-Z]+[012]?)+$/);
  });

  it('reads files and - (stdin) in the order given', () => {
    const a = join(scratch, 'a.txt');
    const b = join(scratch, 'b.txt');
    writeFileSync(a, 'one\ntwo\n');
    writeFileSync(b, 'three'); // no final newline
    const { status, stdout } = cli([a, '-', b], 'four\n');
    expect(status).toBe(0);
    expect(rows(stdout).map((r) => r[0])).toEqual(['one', 'two', 'four', 'three']);
    const missing = cli([a, join(scratch, 'missing.txt')]);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/gated-g2p: cannot read .*missing\.txt: ENOENT/);
  });

  it('--no-stress, --ipa and --no-lexicon change the phonemes as the library does', async () => {
    expect(rows(cli(['--no-stress'], 'hello').stdout)).toEqual([['hello', 'HH AH L OW']]);
    expect(rows(cli(['--ipa'], 'Hello, world').stdout)).toEqual([['Hello, world', 'həlˈoʊ wˈɝld']]);
    expect(rows(cli(['--ipa', '--no-stress'], 'hello').stdout)).toEqual([['hello', 'həloʊ']]);
    const modelOnly = await createG2P({ lexicon: false });
    const expected = (await modelOnly.pronounce('hello')).map((w) => w.pronunciation).join(' | ');
    modelOnly.dispose();
    expect(rows(cli(['--no-lexicon'], 'hello').stdout)).toEqual([['hello', expected]]);
  });

  it('--nbest N gives N pronunciations per line, each with its probability, best first', async () => {
    const { status, stdout } = cli(['--nbest', '3'], 'gatedness\nhello gatedness');
    expect(status).toBe(0);
    const [single, line] = rows(stdout);
    const g2p = await createG2P({ nBest: 3 });
    const [word] = await g2p.pronounce('gatedness');
    g2p.dispose();
    expect(single).toEqual([
      'gatedness',
      ...word!.alternatives.flatMap((a) => [a.pronunciation, a.probability.toPrecision(4)]),
    ]);
    const probabilities = single!
      .slice(2)
      .filter((_, i) => i % 2 === 0)
      .map(Number);
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    expect(probabilities.reduce((a, b) => a + b)).toBeLessThanOrEqual(1);
    // A CMUdict word counts as certain: the line's alternatives are the model word's.
    expect(line!.slice(1)).toEqual(
      single!.slice(1).map((c, i) => (i % 2 === 0 ? `HH AH0 L OW1 | ${c}` : c)),
    );
  });

  it('writes ? for a word it cannot read, names it on stderr, and exits 1', () => {
    const { status, stdout, stderr } = cli([], 'hello\ncafé au lait\nworld');
    expect(status).toBe(1);
    expect(rows(stdout).map((r) => r[0])).toEqual(['hello', 'café au lait', 'world']);
    expect(rows(stdout)[1]![1]).toMatch(/^\? \| /);
    expect(stderr).toBe(
      'gated-g2p: stdin:2: "café" has characters the model cannot read: "é" (U+00E9)\n',
    );
  });
});
