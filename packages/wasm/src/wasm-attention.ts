import type { AdditiveAttentionCall } from '@gated/cells';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { recordingGradients } from './gradient-tape';
import {
  gatedWasm,
  gatedWasmReady,
  heapPointer,
  type KernelArgs,
  packedFloats,
  withScratch,
} from './wasm-module';

/*
 * Additive attention's forward for one decoder step as one call (wasm/attention.c) instead of
 * about ten tfjs ops. Op by op, tfjs-backend-wasm's scalar tanh over the [B, S, A] sum took as
 * long as the decoder's LSTM step when decoding 256 words at a time.
 */

const KERNEL = 'GatedAdditiveAttention';

function additiveAttentionKernel({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const { query, queryWeight, projectedKeys, energyWeight, values, mask } = inputs;
  const [B, S, A] = projectedKeys!.shape as [number, number, number];
  const Hq = query!.shape[1]!;
  const H = values!.shape[2]!;
  const weights = backend.makeOutput([B, S], 'float32');
  const context = backend.makeOutput([B, H], 'float32');
  const ptr = (info: tf.TensorInfo | undefined) => heapPointer(backend, info);
  withScratch(backend, [packedFloats(Hq, A), B * A], ([packed, projected]) => {
    gatedWasm(backend)!.additive_attention(
      B,
      S,
      A,
      Hq,
      H,
      ptr(query),
      ptr(queryWeight),
      ptr(projectedKeys),
      ptr(energyWeight),
      ptr(mask),
      ptr(values),
      packed!,
      projected!,
      ptr(weights),
      ptr(context),
    );
  });
  return [weights, context];
}

const kernels = { [KERNEL]: additiveAttentionKernel as unknown as tf.KernelFunc };

/**
 * `MatrixProducts.additiveAttention` on our kernel: undefined while gradients are recorded (the
 * kernel has none) or where it cannot run, so that @gated/attention's op-by-op forward runs.
 */
export function additiveAttention(
  call: AdditiveAttentionCall,
): { weights: Tensor2D; context: Tensor2D } | undefined {
  const tensors = [
    call.query,
    call.queryWeight,
    call.projectedKeys,
    call.energyWeight,
    call.values,
  ];
  if (call.mask) tensors.push(call.mask);
  if (tensors.some((t) => t.dtype !== 'float32') || recordingGradients()) return undefined;
  if (!gatedWasmReady(kernels)) return undefined;
  const inputs: tf.NamedTensorMap = {
    query: call.query,
    queryWeight: call.queryWeight,
    projectedKeys: call.projectedKeys,
    energyWeight: call.energyWeight,
    values: call.values,
  };
  if (call.mask) inputs.mask = call.mask;
  const [weights, context] = tf.engine().runKernel(KERNEL, inputs) as Tensor2D[];
  return { weights: weights!, context: context! };
}
