/*
 * What the browser speed suite's page and its Node driver say to each other (and the page's
 * workers to the page): the grid point to time, the timing protocol and what comes back.
 */

/** One point of the grid; all layers are batch-first, as PyTorch exported them. */
export interface BrowserConfig {
  kind: 'lstm' | 'gru';
  batch: number;
  length: number;
  input: number;
  hidden: number;
}

/** Warm-up and repetitions of every timing (see timeMs in ../speed/subjects.ts). */
export interface Timing {
  warmup: number;
  reps: number;
  /** Each phase (warm-up, timed runs) lasts at least this long. */
  minMs: number;
  /**
   * Inference is timed this many times per subject, gated and onnxruntime-web taking turns, and
   * the median of those timings kept: a burst of load on a shared machine then hits one turn of
   * each, not one subject's only timing.
   */
  rounds: number;
}

/** What the page is asked to do in one load. */
export interface PageRequest {
  configs: BrowserConfig[];
  timing: Timing;
  /** Training steps of the memory soak (after its warm-up). */
  soakSteps: number;
  /** The ONNX file of each config (same order), under /models/; absent: no onnxruntime-web. */
  onnx?: string[];
  /** onnxruntime-web's thread counts to time, one worker each. */
  ortThreads: number[];
  /** gated's kernel threads (absent: installWasmKernels' 'auto'). */
  gatedThreads?: number;
}

/** The gated worker's backend and the accelerator's status. */
export interface GatedInfo {
  tfjsThreads: number;
  kernelThreads: number;
  threadsNote?: string;
  engines: string[];
  simd: boolean;
  /** Whether the kernels run their relaxed-SIMD build (fused multiply-add). */
  fusedMultiplyAdd: boolean;
}

/** Milliseconds (median) per subject at one grid point; absent where not timed. */
export interface PointTimes {
  gatedInferMs: number;
  gatedTrainMs: number;
  /** The engine gated's layer ran on (`layer.lastEngines`), training and inference. */
  gatedEngines: { infer: string; train: string };
  tfLayersInferMs: number;
  tfLayersTrainMs: number;
  /** onnxruntime-web inference, by thread count. */
  ortInferMs: Record<string, number>;
}

/** The memory soak: gated training steps on the wasm backend, in the page. */
export interface PageSoak {
  steps: number;
  tensorGrowth: number;
  byteGrowth: number;
  /** Growth of the backend's WebAssembly heap, in bytes. */
  heapGrowth: number;
}

/** The main thread's own check: the accelerator installed there too, agreeing with one thread. */
export interface MainThreadCheck {
  kernelThreads: number;
  engine: string;
  maxDifference: number;
  decoding: DecodingCheck;
}

/**
 * Greedy decoding of `sources` words by a small attention model with two kernel threads (its
 * rows split between the pool's threads) against one: whether every token agreed, the largest
 * score difference, and the kernels tfjs ran.
 */
export interface DecodingCheck {
  sources: number;
  /** The kernel threads of the two-thread run (1 where the page is not isolated or has 1 core). */
  kernelThreads: number;
  sameTokens: boolean;
  maxScoreDifference: number;
  kernels: string[];
}

/** Everything one page load measured. */
export interface PageResult {
  userAgent: string;
  hardwareConcurrency: number;
  crossOriginIsolated: boolean;
  gated: GatedInfo;
  mainThread: MainThreadCheck;
  /** The same decoding check in the gated worker, after the grid. */
  workerDecoding: DecodingCheck;
  ort?: { version: string; note?: string };
  points: PointTimes[];
  soak: PageSoak;
}
