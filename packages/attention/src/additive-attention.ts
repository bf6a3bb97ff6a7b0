import { acceleratedAdditiveAttention, assertShape, Linear } from '@gated/cells';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { Attention, type AttentionOutput } from './attention';

/** Options of `new AdditiveAttention`: the widths of the query, the keys and the hidden score layer. */
export interface AdditiveAttentionOptions {
  /** `Hq`: features of the query (the decoder state). */
  queryWidth: number;
  /** `Hk`: features of each key (the encoder output). */
  keyWidth: number;
  /** `A`: width of the hidden layer the scores come from. Default `keyWidth`, as JoeyNMT's. */
  hiddenWidth?: number;
  /** Seed for initialisation; omit for a fresh random one. */
  seed?: number;
}

/**
 * Additive attention, Bahdanau, Cho & Bengio 2014, §A.1.2: `e_ij = vᵀ tanh(W s_{i-1} + U h_j)`.
 * The same score is Luong et al. 2015's `concat` (`vᵀ tanh(W_a [h_t; h̄_s])`, W_a = [W U]).
 * Parameters: `query_layer.weight` `[A, Hq]` (W), `key_layer.weight` `[A, Hk]` (U),
 * `energy_layer.weight` `[1, A]` (vᵀ); no biases, as in the paper.
 */
export class AdditiveAttention extends Attention {
  protected readonly name = 'AdditiveAttention';
  readonly queryWidth: number;
  readonly keyWidth: number;
  readonly hiddenWidth: number;
  protected readonly projectedWidth: number;
  private readonly queryLayer: Linear;
  private readonly keyLayer: Linear;
  private readonly energyLayer: Linear;

  constructor(options: AdditiveAttentionOptions) {
    super();
    const seed = options.seed;
    this.queryWidth = options.queryWidth;
    this.keyWidth = options.keyWidth;
    this.hiddenWidth = options.hiddenWidth ?? options.keyWidth;
    this.projectedWidth = this.hiddenWidth;
    const make = (inFeatures: number, outFeatures: number, offset: number) =>
      new Linear({
        inFeatures,
        outFeatures,
        bias: false,
        seed: seed === undefined ? undefined : seed + offset,
      });
    this.queryLayer = this.registerModule(
      'query_layer',
      make(this.queryWidth, this.hiddenWidth, 1),
    );
    this.keyLayer = this.registerModule('key_layer', make(this.keyWidth, this.hiddenWidth, 2));
    this.energyLayer = this.registerModule('energy_layer', make(this.hiddenWidth, 1, 3));
  }

  /** `U h_j` for every source position: `[B, S, Hk]` → `[B, S, A]`. Compute once per sequence. */
  projectKeys(keys: Tensor3D): Tensor3D {
    assertShape('AdditiveAttention.projectKeys', 'keys', keys, ['batch', 'source', this.keyWidth]);
    return this.keyLayer.forward(keys);
  }

  /** The accelerator's forward of this score; a subclass that changes `score` must override it. */
  protected override accelerated(
    query: Tensor2D,
    projectedKeys: Tensor3D,
    values: Tensor3D,
    mask: Tensor2D | undefined,
  ): AttentionOutput | undefined {
    return acceleratedAdditiveAttention({
      query,
      queryWeight: this.queryLayer.weight as Tensor2D,
      projectedKeys,
      energyWeight: this.energyLayer.weight as Tensor2D,
      values,
      mask,
    });
  }

  protected score(query: Tensor2D, projectedKeys: Tensor3D): Tensor2D {
    const [batch, steps] = projectedKeys.shape;
    const projectedQuery = tf.expandDims(this.queryLayer.forward(query), 1); // [B, 1, A]
    const hidden = tf.tanh(tf.add(projectedKeys, projectedQuery)) as Tensor3D; // [B, S, A]
    return tf.reshape(this.energyLayer.forward(hidden), [batch, steps]); // [B, S]
  }
}
