import { assertShape, Module } from '@gated/cells';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { maskedSoftmax } from './masked-softmax';

/** One attention call: a query per batch row against that row's keys and values. */
export interface AttentionInput {
  /** `[B, Hq]`: what is looking, e.g. the decoder state. */
  query: Tensor2D;
  /** `[B, S, Hk]`: what is scored, e.g. the encoder outputs. */
  keys: Tensor3D;
  /** `[B, S, Hv]`: what is averaged into the context (often the same tensor as `keys`). */
  values: Tensor3D;
  /** `[B, S]` float32, 1 = attend, 0 = padding (weight exactly 0). Every row needs one 1. */
  mask?: Tensor2D;
  /**
   * `projectKeys(keys)`, computed once per source sequence and passed back in at every decoder
   * step; computed on the fly when omitted. The module never caches it.
   */
  projectedKeys?: Tensor3D;
}

/** What an attention call returns: the context and the weights it was made with. */
export interface AttentionOutput {
  /** `[B, Hv]`: the weighted average of `values`. */
  context: Tensor2D;
  /** `[B, S]`: the attention distribution; 0 on masked positions, summing to 1 elsewhere. */
  weights: Tensor2D;
}

/** `forwardWithScores`' answer: the forward's, plus the scores the softmax was taken of. */
export interface ScoredAttentionOutput extends AttentionOutput {
  /**
   * `[B, S]`: the raw scores e_ij (Bahdanau et al. 2014, eq. 6) before the masked softmax, also
   * on masked positions (there they were ignored, not changed).
   */
  scores: Tensor2D;
}

/**
 * What every scoring function shares: checking the call, the masked softmax and the weighted
 * sum. A subclass supplies the part of the score that depends on the keys only
 * (`projectKeys`) and the score itself (`score`).
 */
export abstract class Attention extends Module {
  /** Class name in messages. */
  protected abstract readonly name: string;
  /** `Hq`, `Hk`: the widths the module was built for. */
  abstract readonly queryWidth: number;
  abstract readonly keyWidth: number;

  /** `[B, S, Hk]` → whatever `score` reads, `[B, S, ·]`. Depends on the keys only. */
  abstract projectKeys(keys: Tensor3D): Tensor3D;

  /** Width of `projectKeys`' output, so a passed-in `projectedKeys` can be checked. */
  protected abstract readonly projectedWidth: number;

  /** Unnormalised scores `[B, S]` of `query` `[B, Hq]` against `projectedKeys`. */
  protected abstract score(query: Tensor2D, projectedKeys: Tensor3D): Tensor2D;

  /**
   * The whole forward on an accelerator, where one offers it for this score and no gradient is
   * needed; undefined otherwise. Called inside tidy with checked inputs.
   */
  protected accelerated(
    _query: Tensor2D,
    _projectedKeys: Tensor3D,
    _values: Tensor3D,
    _mask: Tensor2D | undefined,
  ): AttentionOutput | undefined {
    return undefined;
  }

  /** @returns `{ context [B, Hv], weights [B, S] }`, the caller's to dispose */
  forward(input: AttentionInput): AttentionOutput {
    return tf.tidy(() => {
      const { context, weights } = this.run(input, `${this.name}.forward`, true);
      return { context, weights } as unknown as tf.TensorContainer;
    }) as unknown as AttentionOutput;
  }

  /**
   * The same computation as `forward`, also returning the raw scores: score → softmax → weighted
   * sum, each step's tensor, for explaining one decoder step, always on tfjs's ops. `context` and
   * `weights` equal `forward`'s exactly there, and within 2e-6 where an accelerator runs `forward`
   * as one kernel (`@gated/wasm` does for additive attention when no gradient is recorded).
   * @returns `{ scores [B, S], weights [B, S], context [B, Hv] }`, the caller's to dispose
   */
  forwardWithScores(input: AttentionInput): ScoredAttentionOutput {
    return tf.tidy(
      () => this.run(input, `${this.name}.forwardWithScores`) as unknown as tf.TensorContainer,
    ) as unknown as ScoredAttentionOutput;
  }

  /**
   * Checks the call, then e = score(q, K), α = softmax(e) over the mask, c = Σ α v. Inside tidy.
   * With `mayAccelerate`, the accelerator's forward where it runs (then without `scores`).
   */
  private run(
    input: AttentionInput,
    where: string,
    mayAccelerate = false,
  ): AttentionOutput & { scores?: Tensor2D } {
    const { query, keys, values, mask, projectedKeys } = input;
    assertShape(where, 'query', query, ['batch', this.queryWidth]);
    const batch = query.shape[0];
    assertShape(where, 'keys', keys, [batch, 'source', this.keyWidth]);
    const steps = keys.shape[1];
    assertShape(where, 'values', values, [batch, steps, 'value']);
    if (mask) assertShape(where, 'mask', mask, [batch, steps]);
    if (projectedKeys)
      assertShape(where, 'projectedKeys', projectedKeys, [batch, steps, this.projectedWidth]);
    const projected = projectedKeys ?? this.projectKeys(keys);
    const fast = mayAccelerate ? this.accelerated(query, projected, values, mask) : undefined;
    if (fast) return fast;
    const scores = this.score(query, projected); // [B, S]
    const weights = maskedSoftmax(scores, mask);
    const context = tf.squeeze(tf.matMul(tf.expandDims(weights, 1), values), [1]) as Tensor2D; // [B, Hv]
    return { scores, weights, context };
  }
}
