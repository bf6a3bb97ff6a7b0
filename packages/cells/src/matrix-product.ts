import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { assertShape } from './assert-shape';
import type {
  AttentionDecoderStepCall,
  AttentionDecoderStepResult,
  AttentionLSTMDecoder,
  GreedyAttentionDecodeCall,
  GreedyAttentionDecodeResult,
} from './greedy-decode-call';
import { transposedWeight } from './transposed-weights';

/** Options of a product: which operand is given transposed, and a bias for every row. */
export interface ProductOptions {
  aTransposed?: boolean;
  bTransposed?: boolean;
  bias?: Tensor;
}

/**
 * Faster products an accelerator provides (`@gated/wasm` on the wasm backend); each returns
 * undefined where it cannot run, and the portable product below runs instead.
 */
export interface MatrixProducts {
  /** `a · b` (each possibly given transposed) plus the bias, `[M, N]`; undefined where it cannot run. */
  product(a: Tensor2D, b: Tensor, options: ProductOptions): Tensor2D | undefined;
  /** The sum of each column of `x`, `[M, N]` → `[N]`; undefined where it cannot run. */
  columnSums(x: Tensor2D): Tensor | undefined;
  /**
   * Additive attention's whole forward in one call, without a gradient (decoding); undefined
   * where it cannot run, e.g. while gradients are recorded. See `AdditiveAttentionCall`.
   */
  additiveAttention?(
    call: AdditiveAttentionCall,
  ): { weights: Tensor2D; context: Tensor2D } | undefined;
  /** `table` rows at `indices` (int32), `[N, D]`, `[M]` → `[M, D]`; undefined where it cannot run. */
  gatherRows?(table: Tensor2D, indices: Tensor1D): Tensor2D | undefined;
  /**
   * Greedy decoding by an attention LSTM decoder, every step in one call (no gradient); undefined
   * where it cannot run. See `GreedyAttentionDecodeCall`.
   */
  greedyAttentionDecode?(call: GreedyAttentionDecodeCall): GreedyAttentionDecodeResult | undefined;
  /**
   * One step of an attention LSTM decoder for every row (no gradient); undefined where it cannot
   * run. See `AttentionDecoderStepCall`.
   */
  attentionDecoderStep?(call: AttentionDecoderStepCall): AttentionDecoderStepResult | undefined;
}

/**
 * One step of additive attention (Bahdanau et al. 2014, eq. 5–6), as `@gated/attention` computes
 * it op by op: `q = W s`, `e_j = vᵀ tanh(k_j + q)`, `α = softmax(e)` over the mask,
 * `c = Σ_j α_j h_j`.
 */
export interface AdditiveAttentionCall {
  /** `[B, Hq]` the query s (the decoder state). */
  query: Tensor2D;
  /** `[A, Hq]` the query layer's weight W, in PyTorch's layout. */
  queryWeight: Tensor2D;
  /** `[B, S, A]` the projected keys U h_j. */
  projectedKeys: Tensor3D;
  /** `[1, A]` vᵀ, the energy layer's weight. */
  energyWeight: Tensor2D;
  /** `[B, S, H]` the values h_j averaged into the context. */
  values: Tensor3D;
  /** `[B, S]` 1 = attend, 0 = padding; every row keeps one position. */
  mask?: Tensor2D;
}

let accelerated: MatrixProducts | undefined;

/** Installs (or, with undefined, removes) the accelerator's products used by `Linear` and friends. */
export function setMatrixProducts(products: MatrixProducts | undefined): void {
  accelerated = products;
}

/**
 * `a · b + bias`, on the accelerator's product where one is installed, else on public tfjs ops (no gradient of its own: callers inside tf.customGrad only).
 * Transposed operands are transposed explicitly first: tfjs-backend-wasm multiplies transposed
 * operands 6–13× slower than a transpose followed by a plain product.
 *
 * @param a `[M, K]`, or `[K, M]` with `aTransposed`
 * @param b `[K, N]`, or `[N, K]` with `bTransposed` (a weight in PyTorch's layout)
 * @param bias `[N]`, added to every row
 * @returns `[M, N]`
 */
export function product(a: Tensor2D, b: Tensor, options: ProductOptions = {}): Tensor2D {
  const fast = accelerated?.product(a, b, options);
  if (fast) return fast;
  const { aTransposed = false, bTransposed = false, bias } = options;
  const left = aTransposed ? (tf.transpose(a) as Tensor2D) : a;
  const right = (bTransposed ? transposedWeight(b) : b) as Tensor2D;
  const result = tf.matMul(left, right) as Tensor2D;
  return bias ? (tf.add(result, bias) as Tensor2D) : result;
}

/**
 * Additive attention's forward on the accelerator, or undefined where none offers it (then the
 * caller computes it op by op). No gradient flows through the result.
 * @returns `{ weights [B, S], context [B, H] }`
 */
export function acceleratedAdditiveAttention(
  call: AdditiveAttentionCall,
): { weights: Tensor2D; context: Tensor2D } | undefined {
  if (!accelerated?.additiveAttention) return undefined;
  // The kernel reads every input by these shapes: check them all before it runs.
  const where = 'acceleratedAdditiveAttention';
  const { query, queryWeight, projectedKeys, energyWeight, values, mask } = call;
  assertShape(where, 'projectedKeys', projectedKeys, ['batch', 'source', 'attention']);
  const [batch, steps, width] = projectedKeys.shape;
  assertShape(where, 'query', query, [batch, 'query']);
  assertShape(where, 'queryWeight', queryWeight, [width, query.shape[1]]);
  assertShape(where, 'energyWeight', energyWeight, [1, width]);
  assertShape(where, 'values', values, [batch, steps, 'value']);
  if (mask) assertShape(where, 'mask', mask, [batch, steps]);
  return accelerated.additiveAttention(call);
}

/**
 * Greedy decoding by an attention LSTM decoder on the accelerator, or undefined where none
 * offers it (then the caller decodes step by step). Every input's shape is checked first, and
 * the special ids and `maxLength` against the vocabulary.
 */
export function acceleratedGreedyAttentionDecode(
  call: GreedyAttentionDecodeCall,
): GreedyAttentionDecodeResult | undefined {
  if (!accelerated?.greedyAttentionDecode) return undefined;
  const where = 'acceleratedGreedyAttentionDecode';
  const vocab = checkDecoder(where, call, call.h0, call.c0, ['h0', 'c0']);
  for (const [name, id] of [
    ['bosId', call.bosId],
    ['eosId', call.eosId],
  ] as const) {
    if (!Number.isInteger(id) || id < 0 || id >= vocab)
      throw new Error(`${where}: ${name} must be an integer in [0, ${vocab}), got ${id}`);
  }
  if (!Number.isInteger(call.maxLength) || call.maxLength < 0)
    throw new Error(`${where}: maxLength must be a non-negative integer, got ${call.maxLength}`);
  return accelerated.greedyAttentionDecode(call);
}

/**
 * One step of an attention LSTM decoder on the accelerator, or undefined where none offers it
 * (then the caller steps op by op). Every input's shape is checked first.
 */
export function acceleratedAttentionDecoderStep(
  call: AttentionDecoderStepCall,
): AttentionDecoderStepResult | undefined {
  if (!accelerated?.attentionDecoderStep) return undefined;
  const where = 'acceleratedAttentionDecoderStep';
  checkDecoder(where, call, call.h, call.c, ['h', 'c']);
  const { previous } = call;
  if (previous.dtype !== 'int32' || previous.rank !== 1 || previous.size !== call.h.shape[0]) {
    const got = `${previous.dtype} [${previous.shape.join(', ')}]`;
    throw new Error(`${where}: previous must be int32 [${call.h.shape[0]}], got ${got}`);
  }
  return accelerated.attentionDecoderStep(call);
}

/** Checks the decoder's weights and memory against the state `[B, H]`; returns V. */
function checkDecoder(
  where: string,
  call: AttentionLSTMDecoder,
  h: Tensor2D,
  c: Tensor2D,
  [hName, cName]: [string, string],
): number {
  const { embedding, projectedKeys, values } = call;
  assertShape(where, 'embedding', embedding, ['vocabulary', 'embedding']);
  assertShape(where, 'projectedKeys', projectedKeys, ['batch', 'source', 'attention']);
  const [vocab, width] = embedding.shape;
  const [batch, steps, attention] = projectedKeys.shape;
  assertShape(where, hName, h, [batch, 'hidden']);
  const hidden = h.shape[1];
  assertShape(where, 'values', values, [batch, steps, 'encoder']);
  const encoder = values.shape[2];
  assertShape(where, cName, c, [batch, hidden]);
  assertShape(where, 'mask', call.mask, [batch, steps]);
  assertShape(where, 'weightIh', call.weightIh, [4 * hidden, width + encoder]);
  assertShape(where, 'weightHh', call.weightHh, [4 * hidden, hidden]);
  assertShape(where, 'biasIh', call.biasIh, [4 * hidden]);
  assertShape(where, 'biasHh', call.biasHh, [4 * hidden]);
  assertShape(where, 'queryWeight', call.queryWeight, [attention, hidden]);
  assertShape(where, 'energyWeight', call.energyWeight, [1, attention]);
  assertShape(where, 'combineWeight', call.combineWeight, [hidden, hidden + encoder]);
  assertShape(where, 'outputWeight', call.outputWeight, [vocab, hidden]);
  assertShape(where, 'outputBias', call.outputBias, [vocab]);
  return vocab;
}

/**
 * `table`'s rows at `indices`, on the accelerator's gather where one is installed (no gradient of
 * its own: callers inside tf.customGrad, or decoding, where none is taken). `[N, D]`, int32 `[M]` with values in [0, N) → `[M, D]`.
 */
export function gatherRows(table: Tensor2D, indices: Tensor1D): Tensor2D {
  return accelerated?.gatherRows?.(table, indices) ?? (tf.gather(table, indices) as Tensor2D);
}

/** The sum of each column, `[M, N]` → `[N]`: the gradient of a bias added to every row. */
export function columnSums(x: Tensor2D): Tensor {
  return accelerated?.columnSums(x) ?? tf.sum(x, 0);
}
