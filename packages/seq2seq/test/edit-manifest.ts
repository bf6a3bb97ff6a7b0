import type { CheckpointFiles } from '../src/checkpoint';
import { manifestChecksum } from '../src/checkpoint-manifest';
import { crc32 } from '../src/crc32';

/**
 * `files` with config.json's JSON changed by `edit` and written back. `reseal` (default true)
 * recomputes its checksum, as a tool that edits checkpoints on purpose would; without it the
 * edit is damage.
 */
export function editManifest(
  files: CheckpointFiles,
  edit: (manifest: Record<string, unknown>) => void,
  { reseal = true } = {},
): CheckpointFiles {
  const manifest = JSON.parse(new TextDecoder().decode(files['config.json']));
  edit(manifest);
  if (reseal) {
    const { checksum: _, ...body } = manifest;
    manifest.checksum = manifestChecksum(body);
  }
  const bytes = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
  return { ...files, 'config.json': bytes };
}

/** `files` with fields of the saved model config replaced (`undefined` deletes one), resealed. */
export function withConfig(
  files: CheckpointFiles,
  fields: Record<string, unknown>,
): CheckpointFiles {
  return editManifest(files, (manifest) => {
    const config = manifest.config as Record<string, unknown>;
    for (const [name, value] of Object.entries(fields)) {
      if (value === undefined) delete config[name];
      else config[name] = value;
    }
  });
}

/** `files` with config.json's list of files made to match their bytes, as a save would list them. */
export function relisted(files: CheckpointFiles): CheckpointFiles {
  return editManifest(files, (manifest) => {
    const listed = manifest.files as Record<string, { bytes: number; crc32: number }>;
    for (const name of Object.keys(listed)) {
      const bytes = files[name]!;
      listed[name] = { bytes: bytes.length, crc32: crc32(bytes) };
    }
  });
}
