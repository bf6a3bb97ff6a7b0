/**
 * Checkpoints as directories, for Node: `import { writeCheckpoint, readCheckpoint } from '@gated/seq2seq/node'`.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { CheckpointFiles } from './checkpoint';

export interface WriteCheckpointOptions {
  /** How each file is written; replaceable so that tests can make a write fail midway. */
  writeFile?: (path: string, bytes: Uint8Array) => void;
}

/**
 * Writes `files` into directory `dir` so that a failure at any point leaves the previous
 * checkpoint there intact: everything goes to a fresh `dir.partial-*` first, then the old
 * directory is moved aside, the new one renamed into place, and the old one removed.
 * (`readCheckpoint` recovers the moved-aside one if a crash lands between the two renames.)
 */
export function writeCheckpoint(
  dir: string,
  files: CheckpointFiles,
  options: WriteCheckpointOptions = {},
): void {
  const target = resolve(dir);
  const write =
    options.writeFile ?? ((path: string, bytes: Uint8Array) => writeFileSync(path, bytes));
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const partial = `${target}.partial-${suffix}`;
  const previous = `${target}.previous-${suffix}`;
  mkdirSync(dirname(target), { recursive: true });
  mkdirSync(partial);
  try {
    for (const [name, bytes] of Object.entries(files)) {
      if (name !== basename(name) || name.startsWith('.'))
        throw new Error(`writeCheckpoint: '${name}' is not a plain file name`);
      write(join(partial, name), bytes);
    }
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  const hadPrevious = existsSync(target);
  if (hadPrevious) renameSync(target, previous);
  renameSync(partial, target);
  if (hadPrevious) rmSync(previous, { recursive: true, force: true });
}

/** Reads every file of a checkpoint directory (checked when loaded, by `loadModel` and friends). */
export function readCheckpoint(dir: string): CheckpointFiles {
  const target = resolve(dir);
  if (!existsSync(target)) recoverMovedAside(target);
  if (!existsSync(target)) throw new Error(`readCheckpoint: no checkpoint at ${target}`);
  if (!statSync(target).isDirectory())
    throw new Error(`readCheckpoint: ${target} is not a directory`);
  const files: CheckpointFiles = {};
  for (const name of readdirSync(target)) {
    const path = join(target, name);
    if (statSync(path).isFile()) files[name] = new Uint8Array(readFileSync(path));
  }
  return files;
}

/** After a crash between `writeCheckpoint`'s two renames, the old checkpoint is `dir.previous-*`. */
function recoverMovedAside(target: string): void {
  const parent = dirname(target);
  if (!existsSync(parent)) return;
  const prefix = `${basename(target)}.previous-`;
  const moved = readdirSync(parent)
    .filter((name) => name.startsWith(prefix))
    .sort();
  if (moved.length > 0) renameSync(join(parent, moved.at(-1)!), target);
}
