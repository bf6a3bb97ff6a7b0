import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { wasmKernelsStatus } from '@gated/wasm';
import * as tf from '@tensorflow/tfjs';
import { relaxedSimdFlagSet } from './relaxed-simd';

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
  /** gated's accelerator, where it is installed (`wasmKernelsStatus()`). */
  kernels?: {
    /** The relaxed-SIMD build (fused multiply-add) rather than the plain SIMD one. */
    fusedMultiplyAdd: boolean;
    /** Whether that took V8's --experimental-wasm-relaxed-simd (Node 20), set by the bench. */
    relaxedSimdFlag: boolean;
    threads: number;
  };
  date: string;
}

export function describeMachine(): MachineDescription {
  const flags = tf.env().getFlags();
  const kernels = wasmKernelsStatus();
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    tfjs: tf.version.tfjs,
    backend: tf.getBackend(),
    wasmSimd: flags.WASM_HAS_SIMD_SUPPORT as boolean | undefined,
    wasmThreads: flags.WASM_HAS_MULTITHREAD_SUPPORT as boolean | undefined,
    ...(kernels.threads > 0
      ? {
          kernels: {
            fusedMultiplyAdd: kernels.fusedMultiplyAdd,
            relaxedSimdFlag: relaxedSimdFlagSet(),
            threads: kernels.threads,
          },
        }
      : {}),
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

/**
 * `gated's kernels: relaxed-SIMD build (fused multiply-add; …), 2 threads` for a results
 * header, or '' where the accelerator was not installed.
 */
export function kernelsPhrase(machine: MachineDescription): string {
  const k = machine.kernels;
  if (!k) return '';
  const build = k.fusedMultiplyAdd
    ? `relaxed-SIMD build (fused multiply-add${k.relaxedSimdFlag ? "; V8's --experimental-wasm-relaxed-simd, which Node 20 needs and the bench sets, Node 22 and Chromium have it on" : ''})`
    : 'plain SIMD build (no fused multiply-add)';
  return `gated's kernels: ${build}, ${k.threads} thread${k.threads === 1 ? '' : 's'}`;
}
