import { AdditiveAttention, type Attention, LuongAttention } from '@gated/attention';
import {
  type AttentionLSTMDecoder,
  acceleratedAttentionDecoderStep,
  acceleratedGreedyAttentionDecode,
  type GreedyAttentionDecodeResult,
  Linear,
} from '@gated/cells';
import type { Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedConfig } from './config';
import { DecoderBase } from './decoder-base';
import type {
  DecoderMemory,
  DecoderState,
  DecoderStepOutput,
  ExplainedStepOutput,
} from './decoder-state';
import type { OutputLayer } from './output-layer';

/**
 * A decoder that attends over every encoder output at every step, removing the bottleneck.
 * - `bahdanau` (Bahdanau, Cho & Bengio 2014): attend from the previous state `s_{t-1}` and feed
 *   the context into the RNN with the embedded token.
 * - `luong-*` (Luong, Pham & Manning 2015): advance the RNN first, attend from `s_t`, and feed
 *   the attentional vector back in at the next step (input feeding, §3.3).
 * Both predict from the attentional vector `ã_t = tanh(W_c [s_t; c_t])` (Luong eq. 5).
 */
export class AttentionDecoder extends DecoderBase {
  readonly attention: Attention;
  private readonly combine: Linear;
  private readonly output: OutputLayer;
  private readonly bahdanau: boolean;

  constructor(config: ResolvedConfig) {
    const bahdanau = config.attention === 'bahdanau';
    super(config, config.embeddingSize + (bahdanau ? config.encoderHiddenSize : config.hiddenSize));
    this.bahdanau = bahdanau;
    const widths = {
      queryWidth: config.hiddenSize,
      keyWidth: config.encoderHiddenSize,
      seed: config.seed + 30,
    };
    const attention =
      config.attention === 'bahdanau' || config.attention === 'luong-concat'
        ? new AdditiveAttention({ ...widths, hiddenWidth: config.hiddenSize })
        : new LuongAttention({
            ...widths,
            score: config.attention === 'luong-dot' ? 'dot' : 'general',
          });
    this.attention = this.registerModule('attention', attention);
    this.combine = this.registerModule(
      'combine',
      new Linear({
        inFeatures: config.hiddenSize + config.encoderHiddenSize,
        outFeatures: config.hiddenSize,
        bias: false,
        seed: config.seed + 31,
      }),
    );
    this.output = this.registerModule('output', this.makeOutputLayer());
  }

  initialState(bridged: DecoderState, batch: number): DecoderState {
    return this.bahdanau
      ? bridged
      : { ...bridged, feed: tf.zeros([batch, this.config.hiddenSize]) as Tensor2D };
  }

  /**
   * Bahdanau: 1. embed the previous token, 2. attend from s_{t-1}, 3. advance the RNN on
   * [embedding; context], 4. combine, 5. project.
   * Luong: 1. embed, 2. advance the RNN on [embedding; ã_{t-1}], 3. attend from s_t,
   * 4. combine (ã_t, fed to the next step), 5. project.
   */
  step(
    previous: Tensor1D,
    state: DecoderState,
    memory: DecoderMemory,
    dropoutSeed: number,
  ): DecoderStepOutput {
    const fast = this.acceleratedStep(previous, state, memory);
    if (fast) return fast;
    const {
      logits,
      state: next,
      attention,
    } = this.run(previous, state, memory, dropoutSeed, false);
    return { logits, state: next, attention };
  }

  /**
   * `step`, plus the attention's three stages at this step: the raw scores e_ij, the weights
   * α_ij = softmax_j(e_ij) and the context c_i = Σ_j α_ij h_j (`detail`), always op by op. The
   * logits, state and weights are `step`'s within float32 rounding where an accelerator runs
   * `step` or its attention as one kernel (see `Attention.forwardWithScores`). Run inside
   * `tf.tidy`; the returned tensors are the caller's.
   */
  explainStep(
    previous: Tensor1D,
    state: DecoderState,
    memory: DecoderMemory,
    dropoutSeed: number,
  ): ExplainedStepOutput {
    return this.run(previous, state, memory, dropoutSeed, true);
  }

  private run(
    previous: Tensor1D,
    state: DecoderState,
    memory: DecoderMemory,
    dropoutSeed: number,
    explain: boolean,
  ): ExplainedStepOutput {
    const embedded = this.embed(previous, dropoutSeed); // [B, E]
    if (this.bahdanau) {
      const attended = this.attend(topLayer(state.h), memory, explain); // [B, He], [B, S]
      const { context, weights } = attended;
      const { top, h, c } = this.advance(tf.concat([embedded, context], 1), state, dropoutSeed + 1);
      const attentional = this.attentional(top, context); // [B, H]
      const logits = this.output.forward(this.drop(attentional, dropoutSeed + 2));
      return {
        logits,
        state: c ? { h, c } : { h },
        attention: weights,
        detail: explain ? (attended as Required<typeof attended>) : undefined,
      };
    }
    const { top, h, c } = this.advance(
      tf.concat([embedded, state.feed!], 1),
      state,
      dropoutSeed + 1,
    );
    const attended = this.attend(top, memory, explain);
    const attentional = this.attentional(top, attended.context);
    const logits = this.output.forward(this.drop(attentional, dropoutSeed + 2));
    return {
      logits,
      state: c ? { h, c, feed: attentional } : { h, feed: attentional },
      attention: attended.weights,
      detail: explain ? (attended as Required<typeof attended>) : undefined,
    };
  }

  /**
   * Greedy decoding of the whole batch in one accelerator call, or undefined where none offers it
   * for this decoder (see `acceleratorDecoder`). See `GreedyAttentionDecodeCall` in @gated/cells.
   * @param state the initial state, `h` and `c` `[1, B, H]`
   */
  acceleratedGreedy(
    state: DecoderState,
    memory: DecoderMemory,
    options: { maxLength: number; withAttention: boolean },
  ): GreedyAttentionDecodeResult | undefined {
    const decoder = this.acceleratorDecoder(state, memory);
    if (!decoder) return undefined;
    const [, batch, hidden] = state.h.shape;
    const result = tf.tidy(() => {
      const fast = acceleratedGreedyAttentionDecode({
        ...decoder,
        h0: tf.reshape(state.h, [batch, hidden]),
        c0: tf.reshape(state.c!, [batch, hidden]),
        bosId: this.config.bosId,
        eosId: this.config.eosId,
        maxLength: options.maxLength,
        withAttention: options.withAttention,
      });
      return (fast ?? []) as unknown as tf.TensorContainer;
    }) as unknown as GreedyAttentionDecodeResult | [];
    return Array.isArray(result) ? undefined : result;
  }

  /**
   * `step` in one accelerator call, or undefined where none offers it for this decoder (see
   * `acceleratorDecoder`); the same outputs within float32 rounding. Run inside `tf.tidy`.
   */
  private acceleratedStep(
    previous: Tensor1D,
    state: DecoderState,
    memory: DecoderMemory,
  ): DecoderStepOutput | undefined {
    const decoder = this.acceleratorDecoder(state, memory);
    if (!decoder) return undefined;
    const [layers, batch, hidden] = state.h.shape;
    const fast = acceleratedAttentionDecoderStep({
      ...decoder,
      previous,
      h: tf.reshape(state.h, [batch, hidden]),
      c: tf.reshape(state.c!, [batch, hidden]),
    });
    if (!fast) return undefined;
    const h = tf.reshape(fast.h, [layers, batch, hidden]) as Tensor3D;
    const c = tf.reshape(fast.c, [layers, batch, hidden]) as Tensor3D;
    return { logits: fast.logits, state: { h, c }, attention: fast.attention };
  }

  /**
   * This decoder's weights and `memory`, as the accelerator's decoding kernels take them, where
   * they can: Bahdanau attention over one LSTM layer with biases and no projection, untied
   * output, evaluation mode; else undefined.
   */
  private acceleratorDecoder(
    state: DecoderState,
    memory: DecoderMemory,
  ): AttentionLSTMDecoder | undefined {
    const { config } = this;
    if (!this.bahdanau || config.cell !== 'lstm' || config.decoderLayers !== 1) return undefined;
    if (this.training || config.tieEmbeddings || !state.c || !memory.projectedKeys)
      return undefined;
    const rnn = new Map(this.rnn.namedParameters());
    const named = new Map(this.namedParameters());
    if (rnn.size !== 4 || !rnn.has('bias_ih_l0')) return undefined; // a projection, or no biases
    return {
      embedding: this.embedding.weight as Tensor2D,
      weightIh: rnn.get('weight_ih_l0') as Tensor2D,
      weightHh: rnn.get('weight_hh_l0') as Tensor2D,
      biasIh: rnn.get('bias_ih_l0') as Tensor1D,
      biasHh: rnn.get('bias_hh_l0') as Tensor1D,
      queryWeight: named.get('attention.query_layer.weight') as Tensor2D,
      energyWeight: named.get('attention.energy_layer.weight') as Tensor2D,
      projectedKeys: memory.projectedKeys,
      values: memory.outputs,
      mask: memory.mask,
      combineWeight: this.combine.weight as Tensor2D,
      outputWeight: named.get('output.projection.weight') as Tensor2D,
      outputBias: named.get('output.projection.bias') as Tensor1D,
    };
  }

  /** Weights and context `[B, S]`, `[B, He]`; with `explain`, also the raw scores `[B, S]`. */
  private attend(
    query: Tensor2D,
    memory: DecoderMemory,
    explain: boolean,
  ): { context: Tensor2D; weights: Tensor2D; scores?: Tensor2D } {
    const input = {
      query,
      keys: memory.outputs,
      values: memory.outputs,
      mask: memory.mask,
      projectedKeys: memory.projectedKeys,
    };
    return explain ? this.attention.forwardWithScores(input) : this.attention.forward(input);
  }

  /** ã = tanh(W_c [s; c]) `[B, H]` */
  private attentional(top: Tensor2D, context: Tensor2D): Tensor2D {
    return tf.tanh(this.combine.forward(tf.concat([top, context], 1))) as Tensor2D;
  }
}

/** The top layer of a `[L, B, H]` state: `[B, H]`. */
function topLayer(h: Tensor3D): Tensor2D {
  const [layers, batch, width] = h.shape;
  return tf.reshape(tf.slice(h, [layers - 1, 0, 0], [1, batch, width]), [batch, width]);
}
