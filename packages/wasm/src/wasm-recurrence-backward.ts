import type * as tf from '@tensorflow/tfjs-core';
import {
  gatedWasm,
  heapPointer,
  type KernelArgs,
  packedFloats,
  type WasmBackend,
  withScratch,
} from './wasm-module';
import type { RecurrenceAttrs } from './wasm-recurrence';

/*
 * The backward pass of the whole-sequence kernels (wasm-recurrence.ts registers both): the
 * gradients of one direction through every time step in one WebAssembly call.
 */

export type Kind = 'lstm' | 'gru' | 'rnn';

export function gateCount(kind: Kind): number {
  return kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1;
}

/** Copies `floats` floats from heap byte offset `from` into a tensor. */
function copyInto(backend: WasmBackend, to: tf.TensorInfo, from: number, floats: number): void {
  backend.wasm.HEAPF32.copyWithin(heapPointer(backend, to) / 4, from / 4, from / 4 + floats);
}

export function backwardKernel({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo[] {
  const { kind, relu, steps: T, batch: B, hidden: H } = attrs as RecurrenceAttrs;
  const wasm = gatedWasm(backend)!;
  const G = gateCount(kind) * H;
  const ptr = (info: tf.TensorInfo | undefined) => heapPointer(backend, info);
  const make = (shape: number[]) => backend.makeOutput(shape, 'float32');
  const { kept0, kept1, kept2, mask, weightHh, dy } = inputs;
  // dy is the gradient of the forward's flat value: outputs [T, B, H], then h_n, then c_n.
  const dOut = ptr(dy);
  const dh = dOut + T * B * H * 4;
  const dc = dh + B * H * 4;
  // The incoming state gradients are updated in place by the loop: work on copies.
  const dh0 = make([B, H]);
  copyInto(backend, dh0, dh, B * H);
  return withScratch(backend, [packedFloats(G, H), B * H], ([packed, scratch]) => {
    wasm.pack_panels(G, H, ptr(weightHh), 0, packed!); // W_hh as it is, [G, H]
    if (kind === 'lstm') {
      const dc0 = make([B, H]);
      copyInto(backend, dc0, dc, B * H);
      const dz = make([T * B, G]);
      wasm.lstm_backward(
        T,
        B,
        H,
        ptr(kept0),
        ptr(kept1),
        ptr(kept2),
        ptr(mask),
        packed!,
        dOut,
        ptr(dh0),
        ptr(dc0),
        ptr(dz),
        scratch!,
      );
      return [dz, dh0, dc0];
    }
    if (kind === 'gru') {
      const dx = make([T * B, G]);
      const dRec = make([T * B, G]);
      wasm.gru_backward(
        T,
        B,
        H,
        ptr(kept0),
        ptr(kept1),
        ptr(mask),
        packed!,
        dOut,
        ptr(dh0),
        ptr(dx),
        ptr(dRec),
        scratch!,
      );
      return [dx, dRec, dh0];
    }
    const dPre = make([T * B, G]);
    wasm.rnn_backward(
      T,
      B,
      H,
      relu ? 1 : 0,
      ptr(kept0),
      ptr(mask),
      packed!,
      dOut,
      ptr(dh0),
      ptr(dPre),
      scratch!,
    );
    return [dPre, dh0];
  });
}
