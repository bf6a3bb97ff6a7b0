import type { AttentionDecoderStepCall, AttentionDecoderStepResult } from '@gated/cells';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { recordingGradients } from './gradient-tape';
import { decoderArrays, heapArray } from './wasm-greedy-decode';
import {
  gatedWasm,
  gatedWasmReady,
  heapPointer,
  type KernelArgs,
  withScratch,
} from './wasm-module';

/*
 * One step of an attention LSTM decoder as one call (wasm/decode.c's decoder_step), for callers
 * that step the decoder themselves: beam search, which ranks and reorders its hypotheses between
 * steps. Op by op a step is about fifteen tfjs ops.
 */

const KERNEL = 'GatedAttentionDecoderStep';

function decoderStepKernel({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const wasm = gatedWasm(backend)!;
  const { sizes, arrays } = decoderArrays(backend, wasm, inputs, inputs.h!.shape[1]!);
  const { B, S, E, H, He, A, V } = sizes;
  const logits = backend.makeOutput([B, V], 'float32');
  const h = backend.makeOutput([B, H], 'float32');
  const c = backend.makeOutput([B, H], 'float32');
  const attention = backend.makeOutput([B, S], 'float32');
  const ptr = (info: tf.TensorInfo | undefined) => heapPointer(backend, info);
  const floats = wasm.greedy_decode_floats(B, S, E, H, He, A, V);
  const bad = withScratch(backend, [floats], ([scratch]) =>
    wasm.decoder_step(
      B,
      S,
      E,
      H,
      He,
      A,
      V,
      arrays.embedding.pointer,
      arrays.weightIh.pointer,
      arrays.biasIh.pointer,
      arrays.weightHh.pointer,
      arrays.biasHh.pointer,
      arrays.queryWeight.pointer,
      arrays.energyWeight.pointer,
      arrays.combineWeight.pointer,
      arrays.outputWeight.pointer,
      arrays.outputBias.pointer,
      arrays.projectedKeys.pointer,
      arrays.values.pointer,
      arrays.mask.pointer,
      heapArray(backend, inputs.previous).pointer,
      ptr(inputs.h),
      ptr(inputs.c),
      ptr(logits),
      ptr(h),
      ptr(c),
      ptr(attention),
      scratch!,
    ),
  );
  if (bad >= 0) {
    for (const output of [logits, h, c, attention]) backend.disposeData(output.dataId);
    const token = backend.wasm.HEAP32[heapPointer(backend, inputs.previous) / 4 + bad];
    throw new Error(`AttentionDecoderStep: the previous token ${token} is not in [0, ${V - 1}]`);
  }
  return [logits, h, c, attention];
}

const kernels = { [KERNEL]: decoderStepKernel as unknown as tf.KernelFunc };

/**
 * `MatrixProducts.attentionDecoderStep` on our kernel: undefined while gradients are recorded,
 * for float tensors other than float32, or where the kernel cannot run (then the decoder runs
 * op by op).
 */
export function attentionDecoderStep(
  call: AttentionDecoderStepCall,
): AttentionDecoderStepResult | undefined {
  const { previous, ...floats } = call;
  if (
    (Object.values(floats) as tf.Tensor[]).some((t) => t.dtype !== 'float32') ||
    recordingGradients()
  )
    return undefined;
  if (previous.dtype !== 'int32' || !gatedWasmReady(kernels)) return undefined;
  const [logits, h, c, attention] = tf
    .engine()
    .runKernel(KERNEL, call as unknown as tf.NamedTensorMap) as Tensor2D[];
  return { logits: logits!, h: h!, c: c!, attention: attention! };
}
