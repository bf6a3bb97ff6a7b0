import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArguments, parseCommand, UsageError } from './cli-arguments';

const cli = resolve(import.meta.dirname, 'cli.ts');
const runCli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8' });

describe('the bench command line', () => {
  it('parses a suite and its options', () => {
    expect(parseArguments(['g2p', '--quick', '--time-budget', '5', '--out', 'x'], '/tmp')).toEqual({
      suite: 'g2p',
      quick: true,
      backend: 'wasm',
      out: '/tmp/x',
      beam: 1,
      timeBudgetMinutes: 5,
    });
    expect(parseCommand(['-h'])).toEqual({ help: true });
    expect(parseCommand(['speed', '--version'])).toEqual({ version: true });
  });

  it.each([
    [['predict', '--model'], "Option '--model <value>' argument missing"],
    [['predict'], 'predict needs --model DIR'],
    [[], 'which suite?'],
    [
      ['nope'],
      "unknown suite 'nope'; the suites are speed, speed-browser, claims, train-demo-models, g2p, predict",
    ],
    [['speed', 'claims'], 'one suite at a time, got speed and claims'],
    [['speed', '--backend', 'gpu'], '--backend must be wasm, cpu or tensorflow, got gpu'],
    [['predict', '--model', 'm', '--beam', '0'], '--beam must be a number ≥ 1, got 0'],
    [['speed', '--fast'], "Unknown option '--fast'"],
  ])('refuses %j as a usage error: %s', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });

  it('prints usage on stdout with exit 0 for --help, and exits 2 on a usage error', () => {
    const help = runCli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout.startsWith('usage: pnpm bench <suite> [options]\n')).toBe(true);
    expect(help.stderr).toBe('');
    const missing = runCli('predict', '--model');
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain("pnpm bench: Option '--model <value>' argument missing");
    const version = execFileSync(process.execPath, ['--import', 'tsx', cli, '--version'], {
      encoding: 'utf8',
    });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
