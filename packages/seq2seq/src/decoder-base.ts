import { Embedding, Module } from '@gated/cells';
import type { Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedConfig } from './config';
import type { DecoderMemory, DecoderState, DecoderStepOutput } from './decoder-state';
import { OutputLayer } from './output-layer';
import { type AnyRecurrent, makeRecurrent } from './recurrent-factory';

/** The parts every decoder has: target embedding, recurrent layer, output layer. */
export abstract class DecoderBase extends Module {
  readonly embedding: Embedding;
  readonly rnn: AnyRecurrent;

  protected constructor(
    protected readonly config: ResolvedConfig,
    rnnInputSize: number,
  ) {
    super();
    this.embedding = this.registerModule(
      'embedding',
      new Embedding({
        numEmbeddings: config.targetVocabSize,
        embeddingDim: config.embeddingSize,
        paddingIdx: config.padId,
        seed: config.seed + 20,
      }),
    );
    this.rnn = this.registerModule(
      'rnn',
      makeRecurrent(config.cell, {
        inputSize: rnnInputSize,
        hiddenSize: config.hiddenSize,
        numLayers: config.decoderLayers,
        dropout: config.dropout,
        seed: config.seed + 21,
      }),
    );
  }

  /** A fresh output layer; subclasses register it last so parameter order reads top-down. */
  protected makeOutputLayer(): OutputLayer {
    const { hiddenSize, targetVocabSize, seed, tieEmbeddings } = this.config;
    return new OutputLayer(
      hiddenSize,
      targetVocabSize,
      seed + 22,
      tieEmbeddings ? this.embedding : undefined,
    );
  }

  /**
   * One decoder step. Run inside `tf.tidy`; the returned tensors are the caller's.
   * @param previous int32 `[B]`: the previous target token (BOS first)
   * @param dropoutSeed seed of this step's dropout masks (used in training mode only)
   */
  abstract step(
    previous: Tensor1D,
    state: DecoderState,
    memory: DecoderMemory,
    dropoutSeed: number,
  ): DecoderStepOutput;

  /** The state before the first step, from the bridged encoder state. */
  abstract initialState(bridged: DecoderState, batch: number): DecoderState;

  /** Embeds `[B]` → `[B, E]`, with dropout in training. */
  protected embed(previous: Tensor1D, seed: number): Tensor2D {
    return this.drop(this.embedding.forward(previous) as Tensor2D, seed);
  }

  protected drop(x: Tensor2D, seed: number): Tensor2D {
    return this.training && this.config.dropout > 0
      ? (tf.dropout(x, this.config.dropout, undefined, seed) as Tensor2D)
      : x;
  }

  /** Advances the recurrent layer one step: input `[B, in]` → top-layer output `[B, H]` and the new state. */
  protected advance(
    input: Tensor2D,
    state: DecoderState,
    seed: number,
  ): { top: Tensor2D; h: Tensor3D; c?: Tensor3D } {
    const { output, hN, cN } = this.rnn.step(
      input,
      { h: state.h, c: state.c },
      { dropoutSeed: seed },
    );
    return { top: output, h: hN, c: cN };
  }
}
