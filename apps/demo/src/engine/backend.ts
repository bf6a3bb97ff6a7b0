import { installWasmKernels } from '@gated/wasm';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendInfo, BackendPreference } from './protocol';

/** Whether WebGL here runs on a real GPU (not a software rasteriser such as SwiftShader). */
function hardwareWebGL(): boolean {
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const gl = canvas.getContext('webgl2');
    if (!gl) return false;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
    return !/swiftshader|llvmpipe|software/i.test(renderer);
  } catch {
    return false;
  }
}

let wasmConfigured = false;

/** Picks and initialises a backend (once per worker). */
export async function initBackend(preference: BackendPreference): Promise<BackendInfo> {
  const isolated = globalThis.crossOriginIsolated === true;
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  const threads = isolated ? Math.max(1, Math.min(4, cores)) : 1;
  if (!wasmConfigured) {
    // Both must be set before the wasm backend starts.
    setWasmPaths({
      'tfjs-backend-wasm.wasm': plainWasm,
      'tfjs-backend-wasm-simd.wasm': simdWasm,
      'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdWasm,
    });
    setThreadsCount(threads);
    wasmConfigured = true;
  }
  const candidates: Array<[string, string]> =
    preference === 'auto'
      ? hardwareWebGL()
        ? [
            ['webgl', 'a hardware GPU was found'],
            ['wasm', 'WebGL failed to start'],
          ]
        : [['wasm', 'no hardware GPU for WebGL']]
      : [[preference, 'chosen on the page']];
  candidates.push(['cpu', 'the other backends failed to start']);
  for (const [name, reason] of candidates) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        const kernels = name === 'wasm' ? await installWasmKernels() : undefined;
        return {
          name,
          threads: name === 'wasm' ? threads : 1,
          crossOriginIsolated: isolated,
          sequenceKernels: kernels?.engines.includes('wasm') === true,
          kernelThreads: kernels?.threads ?? 0,
          reason,
        };
      }
    } catch {
      // try the next one
    }
  }
  throw new Error('No TensorFlow.js backend could start (tried webgl, wasm, cpu)');
}
