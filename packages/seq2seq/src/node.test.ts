import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckpointFiles } from './checkpoint';
import { readCheckpoint, writeCheckpoint } from './node';

// The directory layer moves bytes; what they mean is checkpoint.test.ts's business.
const scratch = mkdtempSync(join(tmpdir(), 'gated-node-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let folders = 0;
const fresh = (name: string) => join(mkdtempSync(join(scratch, `${folders++}-`)), name);
const text = (s: string) => new TextEncoder().encode(s);
const state = (label: string): CheckpointFiles => ({
  'config.json': text(`{"state":"${label}"}`),
  'weights.safetensors': text(label.repeat(37)),
});
const label = (files: CheckpointFiles) =>
  JSON.parse(new TextDecoder().decode(files['config.json'])).state as string;
const beside = (dir: string) => readdirSync(join(dir, '..')).sort();

/** A folder as a save leaves it, complete (`generation` set) or cut short. */
function debris(path: string, files: CheckpointFiles, generation?: number): void {
  mkdirSync(path);
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(path, name), bytes);
  if (generation !== undefined)
    writeFileSync(join(path, '.checkpoint-generation'), `{"generation":${generation}}\n`);
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid!;
}

describe('readCheckpoint after crashes', () => {
  it('reads the newest of two moved-aside checkpoints by generation, not by name (pid 99999 vs 100000)', () => {
    const dir = fresh('run');
    debris(`${dir}.previous-99999-a1`, state('older'), 1);
    debris(`${dir}.previous-100000-b2`, state('newer'), 2);
    expect(label(readCheckpoint(dir))).toBe('newer');
  });

  it('reads a save whose files were complete when it was cut short, not the older checkpoint', () => {
    const moved = fresh('run');
    debris(`${moved}.previous-7-a`, state('older'), 1);
    debris(`${moved}.partial-7-a`, state('newer'), 2);
    debris(`${moved}.partial-8-b`, { 'config.json': text('{"sta') }); // cut short: no marker
    expect(label(readCheckpoint(moved))).toBe('newer');

    const inPlace = fresh('run');
    writeCheckpoint(inPlace, state('older'));
    debris(`${inPlace}.partial-9-c`, state('newer'), 2); // killed before its first rename
    expect(label(readCheckpoint(inPlace))).toBe('newer');
    writeCheckpoint(inPlace, state('next'));
    expect(label(readCheckpoint(inPlace))).toBe('next');
  });

  it('reads a single folder moved aside by an older version, and refuses to guess between several', () => {
    const one = fresh('run');
    debris(`${one}.previous-123-abc`, state('old-format'));
    expect(label(readCheckpoint(one))).toBe('old-format');
    const two = fresh('run');
    debris(`${two}.previous-99999-a`, state('a'));
    debris(`${two}.previous-100000-b`, state('b'));
    expect(() => readCheckpoint(two)).toThrow(
      /no checkpoint at .*run, and 2 folders that older versions moved aside, which cannot be ordered: run.previous-100000-b, run.previous-99999-a; rename the one to restore to run/,
    );
    expect(() => readCheckpoint(fresh('none'))).toThrow(/readCheckpoint: no checkpoint at .*none$/);
  });
});

describe('writeCheckpoint cleans up', () => {
  it('the next save removes the partial and previous folders of crashed saves, and keeps a running process’s', () => {
    const dir = fresh('run');
    writeCheckpoint(dir, state('first'));
    const dead = deadPid();
    debris(`${dir}.partial-${dead}-x1`, { 'weights.safetensors': new Uint8Array(1 << 20) });
    debris(`${dir}.partial-${dead}-x2`, state('complete-but-older'), 1);
    debris(`${dir}.previous-${dead}-x3`, state('moved'), 1);
    debris(`${dir}.partial-${process.ppid}-live`, { 'config.json': text('{}') }); // still writing
    mkdirSync(`${dir}.partial-notes`); // not ours
    writeCheckpoint(dir, state('second'));
    expect(beside(dir)).toEqual(['run', `run.partial-${process.ppid}-live`, 'run.partial-notes']);
    expect(label(readCheckpoint(dir))).toBe('second');
    expect(readdirSync(dir).sort()).toEqual([
      '.checkpoint-generation',
      'config.json',
      'weights.safetensors',
    ]);
  });

  it('a save that fails midway removes its own partial folder', () => {
    const dir = fresh('run');
    writeCheckpoint(dir, state('good'));
    const failing = () => {
      throw new Error('disk full (injected)');
    };
    expect(() => writeCheckpoint(dir, state('bad'), { writeFile: failing })).toThrow(
      'disk full (injected)',
    );
    expect(beside(dir)).toEqual(['run']);
    expect(label(readCheckpoint(dir))).toBe('good');
  });
});

describe('links and odd entries', () => {
  it('saving to a symbolic link writes where it points and keeps the link', () => {
    const real = fresh('real');
    const link = join(scratch, `link-${folders++}`);
    writeCheckpoint(real, state('one'));
    symlinkSync(real, link);
    writeCheckpoint(link, state('two'));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(label(readCheckpoint(real))).toBe('two');
    expect(label(readCheckpoint(link))).toBe('two');
    expect(beside(real)).toEqual(['real']);

    const pending = join(scratch, `pending-${folders++}`, 'model'); // dangling until the first save
    const dangling = join(scratch, `dangling-${folders++}`);
    symlinkSync(pending, dangling);
    writeCheckpoint(dangling, state('three'));
    expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
    expect(label(readCheckpoint(pending))).toBe('three');
  });

  it('refuses to read a file in the checkpoint that is a symbolic link, even to a valid file', () => {
    const dir = fresh('run');
    writeCheckpoint(dir, state('inside'));
    const outside = join(scratch, `outside-${folders++}.safetensors`);
    writeFileSync(outside, 'secret');
    rmSync(join(dir, 'weights.safetensors'));
    symlinkSync(outside, join(dir, 'weights.safetensors'));
    expect(() => readCheckpoint(dir)).toThrow(
      /readCheckpoint: .*run\/weights.safetensors is a symbolic link; a checkpoint directory holds its files itself/,
    );
  });

  it('skips dotfiles and subdirectories when reading, and refuses to replace a file with a checkpoint', () => {
    const dir = fresh('run');
    writeCheckpoint(dir, state('plain'));
    mkdirSync(join(dir, 'notes'));
    writeFileSync(join(dir, '.DS_Store'), 'x');
    expect(Object.keys(readCheckpoint(dir)).sort()).toEqual(['config.json', 'weights.safetensors']);

    const file = fresh('weights.bin');
    writeFileSync(file, 'not a checkpoint');
    expect(() => writeCheckpoint(file, state('x'))).toThrow(
      /writeCheckpoint: .*weights.bin is a file, not a checkpoint directory/,
    );
    expect(readFileSync(file, 'utf8')).toBe('not a checkpoint');
    // Nothing left beside it: no partial or previous folder of the refused save.
    expect(readdirSync(dirname(file)).filter((n) => n.startsWith('weights.bin'))).toEqual([
      'weights.bin',
    ]);
  });
});
