import { type Embedding, Linear, linearProduct, Module } from '@gated/cells';
import type { Tensor2D, Variable } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Decoder features `[B, H]` → next-token logits `[B, V]`: a Linear layer, or with tied
 * embeddings (Press & Wolf 2017) `pre_output` to the embedding width, then the target
 * embedding's transpose and a bias.
 */
export class OutputLayer extends Module {
  private readonly projection: Linear;
  private readonly bias?: Variable;

  constructor(
    inFeatures: number,
    vocabSize: number,
    seed: number,
    private readonly tiedEmbedding?: Embedding,
  ) {
    super();
    if (tiedEmbedding) {
      this.projection = this.registerModule(
        'pre_output',
        new Linear({ inFeatures, outFeatures: tiedEmbedding.embeddingDim, seed }),
      );
      this.bias = this.registerParameter('bias', tf.zeros([vocabSize]));
    } else {
      this.projection = this.registerModule(
        'projection',
        new Linear({ inFeatures, outFeatures: vocabSize, seed }),
      );
    }
  }

  forward(features: Tensor2D): Tensor2D {
    return tf.tidy(() => {
      const projected = this.projection.forward(features);
      if (!this.tiedEmbedding) return projected;
      return linearProduct(projected, this.tiedEmbedding.weight, this.bias!);
    });
  }
}
