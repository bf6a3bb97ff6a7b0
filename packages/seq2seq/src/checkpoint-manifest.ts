/**
 * `config.json`, the manifest of a checkpoint: the format and its version, the model config, the
 * app's `extra` (vocabularies, say), every other file's size and CRC-32, and a checksum over all
 * of that, so that no part of a checkpoint can change unnoticed — the config and vocabularies
 * included, and the file list itself. The checksum detects damage and stray edits; it is no
 * signature (anyone can recompute it), so a checkpoint from a stranger is still input, which is
 * why the config is checked against limits (`config-limits.ts`) before it is used.
 */
import type { Seq2SeqConfig } from './config';
import { crc32 } from './crc32';

/** A checkpoint as named files: in Node a directory (see `@gated/seq2seq/node`), in a browser bytes. */
export type CheckpointFiles = Record<string, Uint8Array>;

/** The `format` field of every checkpoint's `config.json`. */
export const CHECKPOINT_FORMAT = 'gated-seq2seq';
/** 2: `checksum` over the manifest, and `files` listing at least `weights.safetensors`. */
export const CHECKPOINT_VERSION = 2;

/** What `config.json` records about each other file of a checkpoint, checked on load. */
export interface CheckpointFileEntry {
  /** Size in bytes. */
  bytes: number;
  /** CRC-32 (IEEE) of the bytes. */
  crc32: number;
}

/** The contents of a checkpoint's `config.json`. */
export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  formatVersion: typeof CHECKPOINT_VERSION;
  config: Seq2SeqConfig;
  extra: unknown;
  /** Every file of the checkpoint but this one. A loader reads no file that is not listed. */
  files: Record<string, CheckpointFileEntry>;
  /** `crc32:` and 8 hex digits: the CRC-32 of `canonicalJson` of every other field. */
  checksum: string;
}

const CHECKSUM = /^crc32:[0-9a-f]{8}$/;
const MAX_DEPTH = 64;

/**
 * The JSON text of `value` with object keys sorted, no whitespace, so that equal values give
 * equal text however the file was formatted. `value` is what `JSON.parse` returns.
 */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_DEPTH)
    throw new Error(`checkpoint: config.json nests deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, depth + 1)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const fields = Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key], depth + 1)}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `crc32:<8 hex digits>` of the canonical JSON of a manifest without its checksum. */
export function manifestChecksum(body: Record<string, unknown>): string {
  return `crc32:${crc32(new TextEncoder().encode(canonicalJson(body)))
    .toString(16)
    .padStart(8, '0')}`;
}

/** `config.json` for a checkpoint of `files` (which must not include it). */
export function encodeManifest(
  config: Seq2SeqConfig,
  extra: unknown,
  files: CheckpointFiles,
): Uint8Array {
  const listed = Object.fromEntries(
    Object.entries(files).map(([name, bytes]) => [
      name,
      { bytes: bytes.length, crc32: crc32(bytes) },
    ]),
  );
  const body = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_VERSION,
    config,
    extra: extra ?? null,
    files: listed,
  };
  // The checksum covers what a reader will parse: `extra` as JSON makes it (undefined dropped, …).
  const plain = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  const manifest = { ...plain, checksum: manifestChecksum(plain) };
  return new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
}

function parseJson(files: CheckpointFiles): Record<string, unknown> {
  const raw = files['config.json'];
  if (!raw)
    throw new Error(
      `checkpoint: config.json is missing (found: ${Object.keys(files).join(', ') || 'nothing'})`,
    );
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (error) {
    throw new Error(
      `checkpoint: config.json is not valid JSON (${(error as Error).message}); the file is corrupted or truncated`,
    );
  }
  const format = (json as { format?: unknown } | null)?.format;
  if (typeof json !== 'object' || Array.isArray(json) || format !== CHECKPOINT_FORMAT)
    throw new Error(
      `checkpoint: config.json is not a ${CHECKPOINT_FORMAT} checkpoint (format: ${JSON.stringify(format)})`,
    );
  return json as Record<string, unknown>;
}

/** Checks the file list's shape, then every listed file's size and CRC-32. */
function checkFiles(manifest: Record<string, unknown>, files: CheckpointFiles): void {
  const listed = manifest.files;
  if (listed === null || typeof listed !== 'object' || Array.isArray(listed))
    throw new Error(
      `checkpoint: config.json must list the checkpoint's files ("files": { name: { bytes, crc32 } }), got ${JSON.stringify(listed)}`,
    );
  if (!Object.hasOwn(listed, 'weights.safetensors'))
    throw new Error('checkpoint: config.json does not list weights.safetensors');
  for (const [name, entry] of Object.entries(listed as Record<string, unknown>)) {
    const { bytes: size, crc32: sum } = (entry ?? {}) as Record<string, unknown>;
    if (
      !Number.isSafeInteger(size) ||
      (size as number) < 0 ||
      !Number.isSafeInteger(sum) ||
      (sum as number) < 0 ||
      (sum as number) >= 2 ** 32
    )
      throw new Error(
        `checkpoint: config.json's entry for ${name} must be { bytes, crc32 }, got ${JSON.stringify(entry)}`,
      );
    const bytes = Object.hasOwn(files, name) ? files[name] : undefined;
    if (name === 'config.json' || !bytes) throw new Error(`checkpoint: ${name} is missing`);
    if (bytes.length !== size)
      throw new Error(
        `checkpoint: ${name} has ${bytes.length} bytes, config.json says ${size} (truncated?)`,
      );
    if (crc32(bytes) !== sum)
      throw new Error(`checkpoint: ${name} does not match its checksum (corrupted)`);
  }
}

/**
 * Reads `config.json`, checks its checksum, and checks every file it lists. Only the listed
 * files are part of the checkpoint (see `listedFile`); the config is checked by the loaders.
 */
export function readManifest(files: CheckpointFiles): CheckpointManifest {
  const manifest = parseJson(files);
  const version = manifest.formatVersion;
  if (version === 1)
    throw new Error(
      "checkpoint: config.json is format version 1, which has no checksum over the config and the file list; if you trust this checkpoint, convert it once: writeCheckpoint(dir, upgradeCheckpoint(readCheckpoint(dir))), with upgradeCheckpoint from '@gated/seq2seq/node'",
    );
  if (version !== CHECKPOINT_VERSION)
    throw new Error(
      `checkpoint: format version ${JSON.stringify(version)} is not supported (this version reads ${CHECKPOINT_VERSION})`,
    );
  const { checksum, ...body } = manifest;
  if (typeof checksum !== 'string' || !CHECKSUM.test(checksum))
    throw new Error(
      `checkpoint: config.json has no valid checksum (expected "checksum": "crc32:<8 hex digits>", got ${JSON.stringify(checksum)}); it was damaged or edited`,
    );
  const computed = manifestChecksum(body);
  if (computed !== checksum)
    throw new Error(
      `checkpoint: config.json does not match its checksum (it says ${checksum}, its content gives ${computed}): the config, extra or file list changed after saving`,
    );
  checkFiles(manifest, files);
  return manifest as unknown as CheckpointManifest;
}

/** The bytes of a file the manifest lists (and `readManifest` checked); others are refused. */
export function listedFile(
  manifest: CheckpointManifest,
  files: CheckpointFiles,
  name: string,
): Uint8Array {
  if (!Object.hasOwn(manifest.files, name))
    throw new Error(`checkpoint: config.json does not list ${name}`);
  return files[name]!;
}

/**
 * A version-1 checkpoint (no checksum over config.json) as a current one, for checkpoints you
 * trust: its listed files must still match their sizes and CRC-32s, and only those are kept.
 * @example writeCheckpoint(dir, upgradeCheckpoint(readCheckpoint(dir)));
 */
export function upgradeCheckpoint(files: CheckpointFiles): CheckpointFiles {
  const manifest = parseJson(files);
  if (manifest.formatVersion !== 1)
    throw new Error(
      `upgradeCheckpoint: expected a format version 1 checkpoint, got version ${JSON.stringify(manifest.formatVersion)}`,
    );
  checkFiles(manifest, files);
  const listed = Object.fromEntries(
    Object.keys(manifest.files as object).map((name) => [name, files[name]!]),
  );
  return {
    'config.json': encodeManifest(manifest.config as Seq2SeqConfig, manifest.extra, listed),
    ...listed,
  };
}
