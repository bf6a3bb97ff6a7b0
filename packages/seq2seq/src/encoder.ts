import { Embedding, Module } from '@gated/cells';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedConfig } from './config';
import { type AnyRecurrent, makeRecurrent } from './recurrent-factory';

/** What the decoder reads from the encoder. */
export interface EncoderOutput {
  /** `[B, S, He]`: the top layer's output at every source position (both directions concatenated). */
  outputs: Tensor3D;
  /** `[Le, B, He]`: each layer's final state, directions concatenated. */
  h: Tensor3D;
  /** `[Le, B, He]`: each layer's final cell state (LSTM only). */
  c?: Tensor3D;
}

/**
 * Embedding + a (bidirectional, multi-layer) recurrent layer over padded source ids, with
 * packed-sequence `lengths` so padding never reaches the state.
 */
export class Encoder extends Module {
  readonly embedding: Embedding;
  readonly rnn: AnyRecurrent;
  readonly outputWidth: number;

  constructor(private readonly config: ResolvedConfig) {
    super();
    const directions = config.bidirectional ? 2 : 1;
    this.outputWidth = config.encoderHiddenSize;
    this.embedding = this.registerModule(
      'embedding',
      new Embedding({
        numEmbeddings: config.sourceVocabSize,
        embeddingDim: config.embeddingSize,
        paddingIdx: config.padId,
        seed: config.seed + 1,
      }),
    );
    this.rnn = this.registerModule(
      'rnn',
      makeRecurrent(config.cell, {
        inputSize: config.embeddingSize,
        hiddenSize: config.encoderHiddenSize / directions,
        numLayers: config.encoderLayers,
        bidirectional: config.bidirectional,
        dropout: config.dropout,
        seed: config.seed + 2,
      }),
    );
  }

  /**
   * Encodes a padded batch: the outputs at every source step and the final state, joined across
   * directions.
   * @param source  int32 `[B, S]`, padded with `padId`
   * @param lengths each sequence's length, 1..S
   * @param dropoutSeed seed of this call's dropout masks (training)
   */
  forward(source: Tensor2D, lengths: ArrayLike<number>, dropoutSeed: number): EncoderOutput {
    return tf.tidy(() => {
      let embedded = this.embedding.forward(source) as Tensor3D; // [B, S, E]
      if (this.training && this.config.dropout > 0) {
        embedded = tf.dropout(embedded, this.config.dropout, undefined, dropoutSeed) as Tensor3D;
      }
      const result = this.rnn.forward(embedded, { lengths, dropoutSeed: dropoutSeed + 1 });
      const cN = 'cN' in result ? (result.cN as Tensor3D) : undefined;
      const out: EncoderOutput = { outputs: result.output, h: this.joinDirections(result.hN) };
      if (cN) out.c = this.joinDirections(cN);
      return out as unknown as tf.TensorContainer;
    }) as unknown as EncoderOutput;
  }

  /** `[L·D, B, H]` (PyTorch's order: layer-major, forward then reverse) → `[L, B, D·H]`. */
  private joinDirections(state: Tensor3D): Tensor3D {
    if (!this.config.bidirectional) return state;
    const [, batch, hidden] = state.shape;
    const layers = this.config.encoderLayers;
    const split = tf.reshape(state, [layers, 2, batch, hidden]);
    return tf.reshape(tf.transpose(split, [0, 2, 1, 3]), [layers, batch, 2 * hidden]);
  }
}
