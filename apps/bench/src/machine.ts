import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import * as tf from '@tensorflow/tfjs';

/** What the numbers were measured on: written into every results file. */
export interface MachineDescription {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  tfjs: string;
  backend: string;
  wasmSimd?: boolean;
  wasmThreads?: boolean;
  date: string;
}

export function describeMachine(): MachineDescription {
  const flags = tf.env().getFlags();
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    tfjs: tf.version.tfjs,
    backend: tf.getBackend(),
    wasmSimd: flags.WASM_HAS_SIMD_SUPPORT as boolean | undefined,
    wasmThreads: flags.WASM_HAS_MULTITHREAD_SUPPORT as boolean | undefined,
    date: new Date().toISOString(),
  };
}

/** `/usr/bin/python3` (Debian's, where python3-torch installs) if it can import torch. */
export function findTorchPython(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
      return python;
    } catch {
      // not this one
    }
  }
  return undefined;
}
