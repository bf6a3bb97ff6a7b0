import { setFlagsFromString } from 'node:v8';

/** V8 11.4 shipped relaxed SIMD (Chromium 114, Node 22) and later dropped its flag. */
const SHIPPED_IN_V8: [number, number] = [11, 4];

/** The V8 option that turns relaxed SIMD on in older engines (Node 20's V8 11.3). */
export const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

let flagSet = false;

/** Whether enableRelaxedSimd set the flag in this process (for the results' machine line). */
export function relaxedSimdFlagSet(): boolean {
  return flagSet;
}

/** Whether a V8 version string (`11.3.244.8-node.38`) is older than [major, minor]. */
export function v8Before([major, minor]: [number, number], version: string): boolean {
  const [m, n] = version.split('.').map(Number) as [number, number];
  return m < major || (m === major && n < minor);
}

/**
 * Makes the engine run relaxed SIMD before gated's kernels choose their build, so that the
 * bench measures what Node 22 (the supported LTS) and Chromium run by default: on an older V8
 * (Node 20) it sets RELAXED_SIMD_FLAG, process-wide (the kernels' worker threads see it too).
 * Users of Node 20 get the same by starting `node --experimental-wasm-relaxed-simd`. Call it
 * before `installWasmKernels`, which decides the build once; the build that runs is then in
 * `wasmKernelsStatus().fusedMultiplyAdd` (without the flag Node 20 runs the plain SIMD build).
 * @returns whether the flag was set (false where the engine has relaxed SIMD on already)
 */
export function enableRelaxedSimd(v8Version = process.versions.v8): boolean {
  if (!v8Before(SHIPPED_IN_V8, v8Version)) return false;
  setFlagsFromString(RELAXED_SIMD_FLAG);
  flagSet = true;
  return true;
}
