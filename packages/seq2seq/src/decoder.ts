import type { Tensor1D } from '@tensorflow/tfjs-core';
import type { ResolvedConfig } from './config';
import { DecoderBase } from './decoder-base';
import type { DecoderMemory, DecoderState, DecoderStepOutput } from './decoder-state';
import type { OutputLayer } from './output-layer';

/**
 * The decoder without attention (Sutskever, Vinyals & Le 2014): it starts from the encoder's
 * final state and sees the source only through it — the fixed-vector bottleneck.
 */
export class Decoder extends DecoderBase {
  private readonly output: OutputLayer;

  constructor(config: ResolvedConfig) {
    super(config, config.embeddingSize);
    this.output = this.registerModule('output', this.makeOutputLayer());
  }

  initialState(bridged: DecoderState): DecoderState {
    return bridged;
  }

  /**
   * 1. embed the previous token, 2. advance the RNN, 3. project to the vocabulary.
   * `memory` is unused: the source reaches this decoder only through its initial state.
   */
  step(
    previous: Tensor1D,
    state: DecoderState,
    _memory: DecoderMemory,
    dropoutSeed: number,
  ): DecoderStepOutput {
    const embedded = this.embed(previous, dropoutSeed); // [B, E]
    const { top, h, c } = this.advance(embedded, state, dropoutSeed + 1); // [B, H]
    const logits = this.output.forward(this.drop(top, dropoutSeed + 2)); // [B, V]
    return { logits, state: c ? { h, c } : { h } };
  }
}
