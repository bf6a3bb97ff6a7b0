/**
 * Checkpoints as directories, for Node: `import { writeCheckpoint, readCheckpoint } from '@gated/seq2seq/node'`.
 */
import { lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  flushFolder,
  followLinks,
  isRunning,
  readGeneration,
  readRegularFile,
  removeFolder,
  type SiblingFolder,
  siblingFolders,
  siblingNames,
  writeFileDurably,
  writeGeneration,
} from './checkpoint-folders';
import type { CheckpointFiles } from './checkpoint-manifest';

export { upgradeCheckpoint } from './checkpoint-manifest';

/** Options of `writeCheckpoint`. */
export interface WriteCheckpointOptions {
  /**
   * How each file is written; replaceable so that tests can make a write fail midway. Default:
   * a new file, flushed to the disk before the save counts as complete.
   */
  writeFile?: (path: string, bytes: Uint8Array) => void;
}

/**
 * Writes `files` into directory `dir` so that a crash or a failure at any point leaves a
 * complete checkpoint there (this one or the one before):
 * 1. every file goes to a fresh `dir.partial-<pid>-*`, flushed, then a marker with the save's
 *    generation (see `checkpoint-folders.ts`): from here on the new checkpoint is complete;
 * 2. the old directory is renamed to `dir.previous-<pid>-*` and the new one renamed into place;
 * 3. the folders that earlier saves left behind are removed: this save's previous folder, and
 *    partial and previous folders of processes that no longer run (a crashed save's debris).
 *    Those of a running process are another save in progress, and stay.
 * When `dir` is a symbolic link the checkpoint is written where it points and the link stays.
 * One writer at a time per checkpoint; readers may come at any time.
 */
export function writeCheckpoint(
  dir: string,
  files: CheckpointFiles,
  options: WriteCheckpointOptions = {},
): void {
  const target = followLinks(dir);
  for (const name of Object.keys(files)) {
    if (name !== basename(name) || name.startsWith('.'))
      throw new Error(`writeCheckpoint: '${name}' is not a plain file name`);
  }
  const existing = entryKind(target);
  if (existing !== undefined && existing !== 'directory')
    throw new Error(`writeCheckpoint: ${target} is a ${existing}, not a checkpoint directory`);
  const write = options.writeFile ?? writeFileDurably;
  mkdirSync(dirname(target), { recursive: true });
  const generation = 1 + newestGeneration(target, siblingFolders(target));
  const { partial, previous } = siblingNames(target);
  mkdirSync(partial);
  try {
    for (const [name, bytes] of Object.entries(files)) write(join(partial, name), bytes);
    writeGeneration(partial, generation);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  if (existing !== undefined) renameSync(target, previous);
  renameSync(partial, target);
  flushFolder(dirname(target));
  for (const folder of siblingFolders(target)) {
    if (folder.pid === process.pid || !isRunning(folder.pid)) removeFolder(folder.path);
  }
}

/**
 * Reads every file of a checkpoint directory (checked when loaded, by `loadModel` and friends).
 * After a crash mid-save the newest complete folder is read: `dir` itself, or a partial or
 * previous folder beside it with a higher generation. A link at `dir` is followed; files in
 * the directory that are links (or anything but plain files) are refused, so that a checkpoint
 * never reads outside its directory. Subdirectories and dotfiles are not part of a checkpoint.
 */
export function readCheckpoint(dir: string): CheckpointFiles {
  const target = followLinks(dir);
  for (let attempt = 1; ; attempt++) {
    try {
      return readFolder(newestComplete(target));
    } catch (error) {
      // A save in progress may have renamed the folder away between our listing and reading it.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 3) throw error;
    }
  }
}

/** The folder `readCheckpoint` reads: the complete one with the highest generation. */
function newestComplete(target: string): string {
  const kind = entryKind(target);
  if (kind !== undefined && kind !== 'directory')
    throw new Error(`readCheckpoint: ${target} is a ${kind}, not a checkpoint directory`);
  const siblings = siblingFolders(target);
  const complete = siblings.filter((folder) => folder.generation !== undefined);
  // A directory without a marker was written by hand or by an older version: generation 0.
  let best = kind === 'directory' ? target : undefined;
  let bestGeneration = best ? (readGeneration(target) ?? 0) : -1;
  for (const folder of complete) {
    if (folder.generation! > bestGeneration) {
      best = folder.path;
      bestGeneration = folder.generation!;
    }
  }
  if (best) return best;
  // Older versions moved the checkpoint aside without a marker; one such folder is unambiguous.
  const unmarked = siblings.filter((folder) => folder.kind === 'previous');
  if (unmarked.length === 1) return unmarked[0]!.path;
  if (unmarked.length > 1)
    throw new Error(
      `readCheckpoint: no checkpoint at ${target}, and ${unmarked.length} folders that older versions moved aside, which cannot be ordered: ${unmarked.map((f) => basename(f.path)).join(', ')}; rename the one to restore to ${basename(target)}`,
    );
  throw new Error(`readCheckpoint: no checkpoint at ${target}`);
}

function newestGeneration(target: string, siblings: SiblingFolder[]): number {
  const generations = siblings.map((folder) => folder.generation ?? 0);
  return Math.max(readGeneration(target) ?? 0, ...generations);
}

function readFolder(folder: string): CheckpointFiles {
  const files: CheckpointFiles = {};
  for (const name of readdirSync(folder)) {
    if (name.startsWith('.')) continue;
    const path = join(folder, name);
    const kind = entryKind(path);
    if (kind === 'directory') continue;
    if (kind === 'symbolic link')
      throw new Error(
        `readCheckpoint: ${path} is a symbolic link; a checkpoint directory holds its files itself, so copy the file in instead`,
      );
    if (kind !== 'file') throw new Error(`readCheckpoint: ${path} is a ${kind}, not a file`);
    files[name] = readRegularFile(path);
  }
  return files;
}

/** What is at `path` without following a link there; `undefined` when nothing is. */
function entryKind(path: string): string | undefined {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (stat.isFile()) return 'file';
  if (stat.isDirectory()) return 'directory';
  if (stat.isSymbolicLink()) return 'symbolic link';
  return 'special file (FIFO, socket or device)';
}
