import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { packedWeight } from './packed-weights';
import {
  gatedWasm,
  gatedWasmReady,
  heapPointer,
  type KernelArgs,
  type WasmBackend,
  withScratch,
} from './wasm-module';
import { backwardKernel, gateCount, type Kind } from './wasm-recurrence-backward';

/*
 * Whole-sequence recurrence kernels for the wasm backend. The time loop of each kind runs inside
 * one WebAssembly call (wasm/recurrence.c) that works on tfjs's heap in place, so a sequence of
 * T steps costs two kernel launches instead of about 10 T tfjs ops, each with its own dispatch,
 * bookkeeping and allocation. Used by fusedRecurrence when the backend is wasm; the op-by-op
 * path remains for the other backends, for projected LSTMs and when the kernels are switched
 * off (see wasm-module.ts).
 */

/** Rows from which packing a weight pays for one product (FEW_ROWS in wasm/simd.h). */
const FEW_ROWS = 4;
/**
 * Steps from which packing W_hhᵀ pays for a batch below FEW_ROWS: packing costs about one
 * product, and each step on the panels (block1x4 in gemm.c) saves about a third of one. (The
 * packed weight is then kept for the next call: packed-weights.ts.)
 */
const PACK_STEPS = 8;
const FORWARD_KERNEL = 'GatedRecurrenceForward';
const BACKWARD_KERNEL = 'GatedRecurrenceBackward';

/** What the kernels need to know besides their inputs. */
export interface RecurrenceAttrs {
  kind: Kind;
  relu: boolean;
  steps: number;
  batch: number;
  hidden: number;
  /** Also return what the backward kernel needs. */
  training: boolean;
}

/**
 * Whether recurrent layers run on gated's whole-sequence wasm kernels now: the active backend is
 * wasm, the kernels are not switched off and the module attached to the backend's heap.
 * Registers the kernels on first use.
 */
export function wasmRecurrenceAvailable(): boolean {
  return gatedWasmReady({
    [FORWARD_KERNEL]: forwardKernel as unknown as tf.KernelFunc,
    [BACKWARD_KERNEL]: backwardKernel as unknown as tf.KernelFunc,
  });
}

/**
 * The biases the input projection adds, summed into `at` (G floats): b_ih + b_hh (LSTM, Elman
 * RNN), b_ih alone (GRU, whose b_hh stays in the recurrent term). Returns 0 when there are none.
 */
function projectionBias(
  backend: WasmBackend,
  kind: Kind,
  biasIh: tf.TensorInfo | undefined,
  biasHh: tf.TensorInfo | undefined,
  G: number,
  at: number,
): number {
  const parts = kind === 'gru' ? [biasIh] : [biasIh, biasHh];
  const given = parts.filter((b): b is tf.TensorInfo => b !== undefined);
  if (given.length === 0) return 0;
  const heap = backend.wasm.HEAPF32;
  const out = at / 4;
  heap.fill(0, out, out + G);
  for (const b of given) {
    const from = heapPointer(backend, b) / 4;
    for (let j = 0; j < G; j++) heap[out + j]! += heap[from + j]!;
  }
  return at;
}

function forwardKernel({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo[] {
  const { kind, relu, steps: T, batch: B, hidden: H, training } = attrs as RecurrenceAttrs;
  const wasm = gatedWasm(backend)!;
  const G = gateCount(kind) * H;
  const ptr = (info: tf.TensorInfo | undefined) => heapPointer(backend, info);
  const make = (shape: number[]) => backend.makeOutput(shape, 'float32');
  const out = make([T, B, H]);
  const h = make([B, H]);
  const { h0, c0, weightHh, biasHh, mask, x, weightIh, biasIh } = inputs;
  // Given x and W_ih (inference), the input projection runs here too: no tfjs op around it.
  const I = x ? x.shape[1]! : 0;
  const projectionFloats = x ? [G, T * B * G] : [];
  const scratchFloats = [B * G, ...projectionFloats];
  return withScratch(backend, scratchFloats, ([scratch, bias, projection]) => {
    let projected = ptr(inputs.projected);
    if (x) {
      const b = projectionBias(backend, kind, biasIh, biasHh, G, bias!);
      // T·B rows: W_ih packed (and kept packed: packed-weights.ts) from a few rows on.
      if (T * B >= FEW_ROWS) {
        const packedIh = packedWeight(backend, wasm, weightIh!, I, G);
        wasm.matmul_packed(T * B, G, I, ptr(x), packedIh, b, projection!);
      } else {
        wasm.matmul(T * B, G, I, ptr(x), 0, ptr(weightIh), 1, b, 0, projection!);
      }
      projected = projection!;
    }
    // W_hhᵀ packed into panels, worth it from a few rows on (see FEW_ROWS in wasm/simd.h) or,
    // for a batch of one to three, over enough steps; for a step or a few (decoding one token),
    // the kernel reads W_hh row by row instead.
    const pack = B >= FEW_ROWS || T >= PACK_STEPS;
    const wt = pack ? packedWeight(backend, wasm, weightHh!, H, G) : 0;
    if (kind === 'lstm') {
      const c = make([B, H]);
      const kept = training
        ? [make([T, B, G]), make([T, B, H]), make([T, B, H]), make([T, B, H])]
        : [];
      const [gates, tanhC, hPrev, cPrev] = kept;
      wasm.lstm_forward(
        T,
        B,
        H,
        projected,
        ptr(h0),
        ptr(c0),
        wt,
        ptr(weightHh),
        ptr(mask),
        ptr(out),
        ptr(h),
        ptr(c),
        ptr(gates),
        ptr(tanhC),
        ptr(hPrev),
        ptr(cPrev),
        scratch!,
      );
      return [out, h, c, ...kept];
    }
    if (kind === 'gru') {
      const kept = training ? [make([T, B, 4 * H]), make([T, B, H])] : [];
      const [gates, hPrev] = kept;
      wasm.gru_forward(
        T,
        B,
        H,
        projected,
        ptr(h0),
        wt,
        ptr(weightHh),
        ptr(biasHh),
        ptr(mask),
        ptr(out),
        ptr(h),
        ptr(gates),
        ptr(hPrev),
        scratch!,
      );
      return [out, h, ...kept];
    }
    const kept = training ? [make([T, B, H]), make([T, B, H])] : [];
    const [activations, hPrev] = kept;
    wasm.rnn_forward(
      T,
      B,
      H,
      relu ? 1 : 0,
      projected,
      ptr(h0),
      wt,
      ptr(weightHh),
      ptr(mask),
      ptr(out),
      ptr(h),
      ptr(activations),
      ptr(hPrev),
      scratch!,
    );
    return [out, h, ...kept];
  });
}

/** The forward kernel's results: outputs, final state and (training) what backward needs. */
export interface KernelForward {
  output: Tensor3D; // [T, B, H]
  h: Tensor2D; // [B, H]
  c?: Tensor2D; // [B, H], LSTM
  /** LSTM: gates, tanh(c_t), h_prev, c_prev. GRU: r/z/n/h_n, h_prev. RNN: act, h_prev. */
  kept: Tensor[];
}

export function runForwardKernel(
  attrs: RecurrenceAttrs,
  inputs: {
    /** `[T*B, G]`: x W_ihᵀ + biases; or, for inference, x, W_ih and the biases instead. */
    projected?: Tensor;
    x?: Tensor;
    weightIh?: Tensor;
    biasIh?: Tensor;
    h0: Tensor;
    c0?: Tensor;
    weightHh: Tensor;
    biasHh?: Tensor;
    mask?: Tensor;
  },
): KernelForward {
  const named = Object.fromEntries(
    Object.entries(inputs).filter(([, t]) => t !== undefined),
  ) as tf.NamedTensorMap;
  const results = tf.engine().runKernel(FORWARD_KERNEL, named, attrs as never) as Tensor[];
  const [output, h, ...rest] = results;
  if (attrs.kind === 'lstm') {
    const [c, ...kept] = rest;
    return { output: output as Tensor3D, h: h as Tensor2D, c: c as Tensor2D, kept };
  }
  return { output: output as Tensor3D, h: h as Tensor2D, kept: rest };
}

/**
 * The backward kernel. LSTM: kept = [gates, tanh_c, c_prev]; returns [dz, dh0, dc0].
 * GRU: kept = [gates, h_prev]; returns [d_x, d_rec, dh0]. RNN: kept = [act]; returns
 * [d_pre, dh0]. d_x / dz / d_pre are `[T*B, G*H]`.
 */
export function runBackwardKernel(
  attrs: RecurrenceAttrs,
  kept: Tensor[],
  inputs: { weightHh: Tensor; dy: Tensor; mask?: Tensor },
): Tensor[] {
  const named: tf.NamedTensorMap = {};
  kept.forEach((t, i) => {
    named[`kept${i}`] = t;
  });
  for (const [name, t] of Object.entries(inputs)) if (t) named[name] = t;
  return tf.engine().runKernel(BACKWARD_KERNEL, named, attrs as never) as Tensor[];
}
