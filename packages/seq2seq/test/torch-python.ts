/**
 * The Python with torch that the twin parity tests run (`/usr/bin/python3`, Debian's, where
 * python3-torch installs), or `undefined` with a warning when there is none. With
 * `GATED_TORCH=required` (CI, `pnpm torch:test`) a missing torch fails instead.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `python/` at the repository root: the PyTorch twin. */
export const twinDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'python');

export function torchPython(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
      return python;
    } catch {
      // try the next one
    }
  }
  const message =
    "python3 -c 'import torch' failed: install python3-torch to run the twin parity tests";
  if (process.env.GATED_TORCH === 'required') throw new Error(message);
  console.warn(`${message}; skipped here (GATED_TORCH=required makes this an error)`);
  return undefined;
}

/** Runs a twin script with `input` on stdin; returns its stdout. One thread: the machine is shared. */
export function runTwin(python: string, script: string, args: string[], input: string): string {
  return execFileSync(python, [join(twinDir, script), ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
}
