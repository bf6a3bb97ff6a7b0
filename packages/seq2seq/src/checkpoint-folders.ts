/**
 * The folders that sit beside a checkpoint folder `dir` while `writeCheckpoint` works, and the
 * marker that says one of them is complete. Node only.
 *
 *   dir                          the checkpoint
 *   dir.partial-<pid>-<token>    a save being written by process <pid>
 *   dir.previous-<pid>-<token>   the checkpoint that save moved aside, between its two renames
 *
 * A folder is complete once it holds `GENERATION_MARKER`, written (and flushed) after every
 * other file: `{"generation": n}`, one more than the newest generation around it when the save
 * began. Generations, not names or clocks, order the folders a crash leaves behind.
 */
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export const GENERATION_MARKER = '.checkpoint-generation';

/** A `dir.partial-*` or `dir.previous-*` folder beside a checkpoint. */
export interface SiblingFolder {
  path: string;
  kind: 'partial' | 'previous';
  /** The process that made it. */
  pid: number;
  /** Its marker's generation; `undefined` while (or if forever) incomplete. */
  generation: number | undefined;
}

/** The names a save by this process uses: `dir.partial-<pid>-<token>` and `dir.previous-…`. */
export function siblingNames(target: string): { partial: string; previous: string } {
  const token = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const suffix = `${process.pid}-${token}`;
  return { partial: `${target}.partial-${suffix}`, previous: `${target}.previous-${suffix}` };
}

/** Every partial and previous folder of checkpoint `target`, whoever made them. */
export function siblingFolders(target: string): SiblingFolder[] {
  const parent = dirname(target);
  const prefix = `${basename(target)}.`;
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const folders: SiblingFolder[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(partial|previous)-(\d+)-[0-9a-z]+$/.exec(name.slice(prefix.length));
    if (!match) continue; // not ours: a user's `dir.partial-notes` stays
    const path = join(parent, name);
    folders.push({
      path,
      kind: match[1] as SiblingFolder['kind'],
      pid: Number(match[2]),
      generation: readGeneration(path),
    });
  }
  return folders;
}

/** The generation in `folder`'s marker, or `undefined` when it has none (or an unreadable one). */
export function readGeneration(folder: string): number | undefined {
  try {
    const marker = join(folder, GENERATION_MARKER);
    if (!lstatSync(marker).isFile()) return undefined;
    const { generation } = JSON.parse(readFileSync(marker, 'utf8')) as { generation?: unknown };
    return Number.isSafeInteger(generation) && (generation as number) > 0
      ? (generation as number)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Writes `bytes` to a new file (never through an existing one) and flushes it to the disk. */
export function writeFileDurably(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'wx');
  try {
    for (let done = 0; done < bytes.length; )
      done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Marks `folder` complete: the last file a save writes. */
export function writeGeneration(folder: string, generation: number): void {
  writeFileDurably(
    join(folder, GENERATION_MARKER),
    new TextEncoder().encode(`${JSON.stringify({ generation })}\n`),
  );
}

/** Flushes a folder's entries (the renames in it) where the platform allows it. */
export function flushFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open or flush a directory; its renames are as durable as it makes them.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Removes a folder, its marker first, so that a removal cut short never leaves it "complete". */
export function removeFolder(path: string): void {
  rmSync(join(path, GENERATION_MARKER), { force: true });
  rmSync(path, { recursive: true, force: true });
}

/** Whether process `pid` runs (one that exists but is not ours to signal counts as running). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Where `path` leads when it is a symbolic link (followed to the end, existing or not), else
 * `path`: a checkpoint saved to a link is saved where the link points, and the link stays.
 */
export function followLinks(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let isLink: boolean;
    try {
      isLink = lstatSync(current).isSymbolicLink();
    } catch {
      return current; // nothing there yet
    }
    if (!isLink) return current;
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw new Error(`checkpoint: ${path} is a chain of more than 40 symbolic links (a loop?)`);
}

/**
 * Reads a regular file without following a link at its name (`O_NOFOLLOW` where the platform
 * has it) and without blocking on a FIFO, refusing what is not a regular file.
 */
export function readRegularFile(path: string): Uint8Array {
  const flags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
  let fd: number;
  try {
    fd = openSync(path, flags);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP')
      throw new Error(`readCheckpoint: ${path} is a symbolic link; a checkpoint holds plain files`);
    throw error;
  }
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`readCheckpoint: ${path} is not a regular file`);
    return new Uint8Array(readFileSync(fd));
  } finally {
    closeSync(fd);
  }
}
