export {
  installWasmKernels,
  SUPPORTED_TFJS,
  uninstallWasmKernels,
  type WasmKernelsOptions,
  type WasmKernelsStatus,
  wasmKernelsStatus,
} from './install';
export { threadedEngine } from './threaded-engine';
export { wasmEngine } from './wasm-engine';
