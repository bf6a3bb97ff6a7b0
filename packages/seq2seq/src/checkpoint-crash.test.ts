import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '@gated/cells';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/leaks';
import { tinyConfig } from '../test/tiny-task';
import { type CheckpointFiles, loadModel, saveModel } from './checkpoint';
import { readCheckpoint, writeCheckpoint } from './node';
import { Seq2Seq } from './seq2seq';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const scratch = mkdtempSync(join(tmpdir(), 'gated-crash-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const KILLS = 25;
const STATES = 5;

/**
 * Runs test/save-child.ts (saving states start, start + 1, … in a loop) and kills it with
 * SIGKILL `delayMs` after its first save returned, so that every kill lands among saves however
 * loaded the machine is. Resolves with the last save it reported as returned.
 * Node runs the child itself (`--import tsx`), so the signal reaches the process that writes.
 */
function saveUntilKilled(dir: string, fixtures: string, start: number, delayMs: number) {
  return new Promise<number>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/save-child.ts', dir, fixtures, String(start)],
      { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let errors = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (!timer && out.includes('saved '))
        timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (chunk) => {
      errors += chunk;
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`save-child exited (${code}): ${errors}`));
      const saved = [...out.matchAll(/^saved (\d+)$/gm)].map((m) => Number(m[1]));
      resolve(saved.at(-1)!);
    });
  });
}

/** Where in a save (see node.ts) a kill landed, from what it left beside the checkpoint. */
function stageOfKill(parent: string): string {
  const names = readdirSync(parent);
  const partial = names.filter((n) => n.startsWith('run.partial-'));
  if (!names.includes('run')) return 'between the two renames';
  if (names.some((n) => n.startsWith('run.previous-'))) return 'after the renames, before cleanup';
  if (partial.some((n) => existsSync(join(parent, n, '.checkpoint-generation'))))
    return 'new folder complete, before the renames';
  if (partial.length > 0) return 'while writing the new folder';
  return 'between saves';
}

describe('crashes', () => {
  it(`${KILLS} SIGKILLs of a process saving in a loop: the last complete checkpoint always loads, and the next save leaves no debris`, async () => {
    const fixtures = join(scratch, 'fixtures');
    const states: CheckpointFiles[] = [];
    for (let n = 0; n < STATES; n++) {
      const model = new Seq2Seq(tinyConfig({ seed: n, hiddenSize: 24 }));
      states.push(saveModel(model, { state: n }));
      model.dispose();
      mkdirSync(join(fixtures, String(n)), { recursive: true });
      for (const [name, bytes] of Object.entries(states[n]!))
        writeFileSync(join(fixtures, String(n), name), bytes);
    }
    const dir = join(scratch, 'checkpoints', 'run');
    writeCheckpoint(dir, states[0]!);
    let newest = 0; // the last save that returned, as a count: state newest % STATES
    const random = seededRandom(7);
    const stages: Record<string, number> = {};
    let saves = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const reported = await saveUntilKilled(dir, fixtures, newest + 1, random() * 30);
      saves += reported - newest;
      newest = reported;
      const stage = stageOfKill(dirname(dir));
      stages[stage] = (stages[stage] ?? 0) + 1;

      // The newest complete checkpoint is the last save that returned, or the one it was in.
      await expectNoLeaks(() => {
        const files = readCheckpoint(dir);
        const { model, extra } = loadModel(files);
        const state = (extra as { state: number }).state;
        expect([newest % STATES, (newest + 1) % STATES], stage).toContain(state);
        if (state !== newest % STATES) newest += 1;
        expect(files['weights.safetensors']).toEqual(states[state]!['weights.safetensors']);
        model.dispose();
      });

      newest += 1;
      writeCheckpoint(dir, states[newest % STATES]!);
      expect(readdirSync(dirname(dir))).toEqual(['run']);
      expect(readdirSync(dir).sort()).toEqual([
        '.checkpoint-generation',
        'config.json',
        'weights.safetensors',
      ]);
    }
    if (process.env.CHECKPOINT_TALLY) console.log({ kills: KILLS, saves, stages });
    expect(saves).toBeGreaterThanOrEqual(KILLS);
    // A hang guard, not a speed bound: each kill starts a Node child (1–2.5 s here, more on a
    // loaded 2-core machine, where 60 s was once not enough for 25 of them).
  }, 180_000);
});
