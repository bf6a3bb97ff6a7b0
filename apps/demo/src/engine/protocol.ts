import type { GateTraceValues, Translation } from '@gated/models';
import type { BriefAnswer } from './explain';
import type { Explanation } from './explanation';

/** `auto`: WebGL on a hardware GPU, else wasm (threaded SIMD when the page is cross-origin isolated). */
export type BackendPreference = 'auto' | 'webgl' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** The active TensorFlow.js backend: `webgl`, `wasm` or `cpu`. */
  name: string;
  /** wasm threads (1 without cross-origin isolation). */
  threads: number;
  crossOriginIsolated: boolean;
  /** Whether recurrent layers run on gated's whole-sequence wasm kernels. */
  sequenceKernels: boolean;
  /** Threads gated's sequence kernels run on (0: not installed). */
  kernelThreads: number;
  /** Why this backend, in words. */
  reason: string;
}

/**
 * The models the page can ask: shipped (`dates`, `g2p`, and `dates-plain`, the dates model
 * without attention) or trained in the page (`yours`).
 */
export type TranslatorName = 'dates' | 'dates-plain' | 'g2p' | 'yours';

/** Training jobs the worker runs; each streams `JobEvent`s until it finishes or is stopped. */
export type JobSpec =
  | {
      kind: 'compare';
      /** Recurrent width of both models. */
      hiddenSize: number;
      /** Embedding width = the recurrent layers' input size. */
      inputSize: number;
      /** Distractors between key and question. */
      distance: number;
      steps: number;
    }
  | {
      kind: 'bottleneck';
      reverseSource: boolean;
      /** Bahdanau attention on the decoder; without it the decoder sees one fixed vector. */
      attention: boolean;
      steps: number;
    }
  | { kind: 'dates'; steps: number }
  | {
      kind: 'belt';
      /** Distractors between key and question. */
      distance: number;
      steps: number;
    };

/** The belt job's measurements: gradients before and after training, and the trained gates. */
export interface BeltResult {
  /** Steps actually trained. */
  steps: number;
  /** Steps between the input and the question (0 = the `?`). */
  distances: number[];
  /** ‖∂loss/∂x_t‖ per distance, per cell, before and after training. */
  untrained: { rnn: number[]; lstm: number[]; gru: number[] };
  trained: { rnn: number[]; lstm: number[]; gru: number[] };
  /** Held-out accuracy after training (chance: 0.25). */
  accuracy: { rnn: number; lstm: number; gru: number };
  /** The held-out sequence the gates were traced on. */
  tokens: string[];
  /** `[T][H]` per gate: the trained LSTM's forget gate, the trained GRU's reset and update gates. */
  gates: { forget: number[][]; reset: number[][]; update: number[][] };
  forgetMean: number;
  /** Share of (unit, step) forget-gate values above 0.9. */
  forgetAbove09: number;
  updateMean: number;
  updateAbove09: number;
}

export type JobEvent =
  | {
      kind: 'compare';
      step: number;
      lstm: { loss: number; milliseconds: number };
      gru: { loss: number; milliseconds: number };
    }
  | {
      kind: 'compare-accuracy';
      step: number;
      lstm: number;
      gru: number;
    }
  | { kind: 'loss'; step: number; loss: number; millisecondsPerStep: number }
  | {
      kind: 'exact-by-length';
      step: number;
      lengths: number[];
      /** Share of exact copies per length, 0–1. */
      exactMatch: number[];
      /** One held-out example per length: the input and the model's copy, symbols joined by spaces. */
      examples: Array<{ source: string; output: string }>;
    }
  | { kind: 'evaluation'; step: number; exactMatch: number }
  | { kind: 'belt-step'; step: number; loss: { rnn: number; lstm: number; gru: number } }
  | { kind: 'belt-result'; result: BeltResult };

/** Requests from the page; the worker answers each with a `Reply` of the same `id`. */
export type Request =
  | { id: number; kind: 'init'; backend: BackendPreference }
  | { id: number; kind: 'translate'; model: TranslatorName; text: string }
  | {
      id: number;
      kind: 'explain';
      model: TranslatorName;
      text: string;
      /** Target ids forced at the first steps ("what if"). */
      prefix: number[];
      /** 1–8. */
      beamSize: number;
    }
  | { id: number; kind: 'compare-attention'; text: string }
  | { id: number; kind: 'gates'; text: string }
  | { id: number; kind: 'gradient-norms'; length: number }
  | { id: number; kind: 'count-parameters'; inputSize: number; hiddenSize: number }
  | { id: number; kind: 'train'; job: JobSpec }
  | { id: number; kind: 'stop'; job: number };

export interface GateView {
  tokens: string[];
  gates: GateTraceValues;
  /** Probability of each key `K0…` after the `?`. */
  probabilities: number[];
  prediction: string;
}

export interface GradientNorms {
  /** Steps between the input and the loss (0 = the last input). */
  distances: number[];
  rnn: number[];
  lstm: number[];
  gru: number[];
}

export interface ParameterCounts {
  rnn: number;
  lstm: number;
  gru: number;
}

export interface JobResult {
  reason: 'finished' | 'stopped';
  steps: number;
}

/** Answers, by request kind. */
export interface Results {
  init: BackendInfo;
  translate: Translation;
  explain: Explanation;
  'compare-attention': { reference?: string; with: BriefAnswer; without: BriefAnswer };
  gates: GateView;
  'gradient-norms': GradientNorms;
  'count-parameters': ParameterCounts;
  train: JobResult;
  stop: boolean;
}

export type Reply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string }
  | { id: number; event: JobEvent };
