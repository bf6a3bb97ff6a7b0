/**
 * Run in a separate Node process by checkpoint-crash.test.ts, which kills it with SIGKILL: saves
 * the checkpoints in <fixtures>/<n>/ to <dir> in a loop, n = start, start + 1, … (modulo their
 * count), and prints `saved <n>` after each save returns. It stops by itself after 10 s.
 * Usage: save-child.ts <dir> <fixtures> <start>
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeCheckpoint } from '../src/node';

const [dir, fixtures, start] = process.argv.slice(2) as [string, string, string];
const states = readdirSync(fixtures)
  .sort((a, b) => Number(a) - Number(b))
  .map((n) =>
    Object.fromEntries(
      readdirSync(join(fixtures, n)).map((name) => [
        name,
        new Uint8Array(readFileSync(join(fixtures, n, name))),
      ]),
    ),
  );
const until = Date.now() + 10_000;
for (let n = Number(start); Date.now() < until; n++) {
  writeCheckpoint(dir, states[n % states.length]!);
  process.stdout.write(`saved ${n}\n`);
}
