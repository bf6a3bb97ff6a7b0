import { assertShape, Linear } from '@gated/cells';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { Attention } from './attention';

/** Options of `new LuongAttention`: the score (`'dot'` or `'general'`) and the query and key widths. */
export interface LuongAttentionOptions {
  /** `'dot'`: `hᵀ h̄` (needs queryWidth = keyWidth); `'general'`: `hᵀ W_a h̄`. */
  score: 'dot' | 'general';
  /** `Hq`: features of the query (the decoder state). */
  queryWidth: number;
  /** `Hk`: features of each key (the encoder output). */
  keyWidth: number;
  /** Divide scores by √Hk (Vaswani et al. 2017's scaled dot product). Default `false`. */
  scaled?: boolean;
  /** Seed for initialisation of `W_a` (general); omit for a fresh random one. */
  seed?: number;
}

/**
 * Multiplicative attention, Luong, Pham & Manning 2015, §3.1: `dot` and `general` scores.
 * (Their `concat` score is `AdditiveAttention`.) `general` has `key_layer.weight` `[Hq, Hk]` (W_a),
 * applied to the keys so that it is computed once per sequence.
 */
export class LuongAttention extends Attention {
  protected readonly name = 'LuongAttention';
  readonly queryWidth: number;
  readonly keyWidth: number;
  readonly scoreKind: 'dot' | 'general';
  readonly scaled: boolean;
  protected readonly projectedWidth: number;
  private readonly keyLayer?: Linear;

  constructor(options: LuongAttentionOptions) {
    super();
    const { score, queryWidth, keyWidth } = options;
    if (score !== 'dot' && score !== 'general') {
      throw new Error(
        `new LuongAttention: score must be 'dot' or 'general' (concat is AdditiveAttention), got '${score}'`,
      );
    }
    if (score === 'dot' && queryWidth !== keyWidth) {
      throw new Error(
        `new LuongAttention: the dot score needs queryWidth = keyWidth, got ${queryWidth} and ${keyWidth}`,
      );
    }
    this.scoreKind = score;
    this.queryWidth = queryWidth;
    this.keyWidth = keyWidth;
    this.scaled = options.scaled ?? false;
    this.projectedWidth = queryWidth;
    if (score === 'general') {
      this.keyLayer = this.registerModule(
        'key_layer',
        new Linear({
          inFeatures: keyWidth,
          outFeatures: queryWidth,
          bias: false,
          seed: options.seed,
        }),
      );
    }
  }

  /** `W_a h̄_s` (general) or the keys themselves (dot): `[B, S, Hk]` → `[B, S, Hq]`. */
  projectKeys(keys: Tensor3D): Tensor3D {
    assertShape('LuongAttention.projectKeys', 'keys', keys, ['batch', 'source', this.keyWidth]);
    return this.keyLayer ? this.keyLayer.forward(keys) : tf.clone(keys);
  }

  protected score(query: Tensor2D, projectedKeys: Tensor3D): Tensor2D {
    const scores = tf.squeeze(tf.matMul(projectedKeys, tf.expandDims(query, 2)), [2]) as Tensor2D; // [B, S]
    return this.scaled ? tf.div(scores, Math.sqrt(this.keyWidth)) : scores;
  }
}
