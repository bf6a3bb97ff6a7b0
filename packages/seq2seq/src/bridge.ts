import { Linear, Module } from '@gated/cells';
import type { Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedConfig } from './config';
import type { DecoderState } from './decoder-state';
import type { EncoderOutput } from './encoder';

/**
 * The encoder's final state → the decoder's initial state (Sutskever et al. 2014 start the
 * decoder from it). Layers: the top `decoderLayers` encoder layers, the top one repeated when
 * the decoder is deeper. Width: unchanged when the encoder's output is `hiddenSize` wide (the
 * usual case, directions concatenated), else a learned `tanh(W h)` per state (Bahdanau et al.
 * 2014 initialise from `tanh(W_s h)` the same way).
 */
export class Bridge extends Module {
  private readonly hLayer?: Linear;
  private readonly cLayer?: Linear;

  constructor(private readonly config: ResolvedConfig) {
    super();
    if (config.encoderHiddenSize !== config.hiddenSize) {
      const make = (offset: number) =>
        new Linear({
          inFeatures: config.encoderHiddenSize,
          outFeatures: config.hiddenSize,
          seed: config.seed + offset,
        });
      this.hLayer = this.registerModule('h', make(10));
      if (config.cell === 'lstm') this.cLayer = this.registerModule('c', make(11));
    }
  }

  /** @returns `{ h, c? }`, each `[decoderLayers, B, hiddenSize]` */
  forward(encoded: EncoderOutput): DecoderState {
    return tf.tidy(() => {
      const state: DecoderState = { h: this.map(encoded.h, this.hLayer) };
      if (encoded.c) state.c = this.map(encoded.c, this.cLayer);
      return state as unknown as tf.TensorContainer;
    }) as unknown as DecoderState;
  }

  private map(state: Tensor3D, layer?: Linear): Tensor3D {
    const [encoderLayers, batch, width] = state.shape;
    const wanted = this.config.decoderLayers;
    let picked: Tensor3D;
    if (wanted <= encoderLayers) {
      picked = tf.slice(state, [encoderLayers - wanted, 0, 0], [wanted, batch, width]);
    } else {
      const top = tf.slice(state, [encoderLayers - 1, 0, 0], [1, batch, width]);
      picked = tf.concat([state, tf.tile(top, [wanted - encoderLayers, 1, 1])], 0);
    }
    return layer ? (tf.tanh(layer.forward(picked)) as Tensor3D) : picked;
  }
}
