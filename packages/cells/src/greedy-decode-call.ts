import type { Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';

/**
 * An attention decoder with one LSTM layer, as `@gated/seq2seq`'s AttentionDecoder (Bahdanau)
 * computes a step, given its weights in PyTorch's layout and the encoder's side of a batch. Per
 * step and row: additive attention from s_{t-1} (Bahdanau et al. 2014, eq. 5–6), the LSTM on
 * `[E y_{t-1}; c]`, `ã = tanh(W_c [s_t; c])`, logits `W_o ã + b_o`.
 *
 * Sizes: B rows, S source positions, E embedding, H hidden, He encoder output, A attention,
 * V vocabulary.
 */
export interface AttentionLSTMDecoder {
  /** `[V, E]` the target embedding. */
  embedding: Tensor2D;
  /** `[4H, E + He]`, `[4H, H]`, `[4H]`, `[4H]`: the LSTM's weights, gates i, f, g, o. */
  weightIh: Tensor2D;
  weightHh: Tensor2D;
  biasIh: Tensor1D;
  biasHh: Tensor1D;
  /** `[A, H]` the attention's query layer W; `[1, A]` its energy layer vᵀ. */
  queryWeight: Tensor2D;
  energyWeight: Tensor2D;
  /** `[B, S, A]` the projected keys U h_j; `[B, S, He]` the encoder outputs h_j. */
  projectedKeys: Tensor3D;
  values: Tensor3D;
  /** `[B, S]` 1 on real source positions, 0 on padding; every row keeps one. */
  mask: Tensor2D;
  /** `[H, H + He]` the combine layer W_c (no bias). */
  combineWeight: Tensor2D;
  /** `[V, H]`, `[V]` the output layer. */
  outputWeight: Tensor2D;
  outputBias: Tensor1D;
}

/** One step of the decoder for every row. */
export interface AttentionDecoderStepCall extends AttentionLSTMDecoder {
  /** int32 `[B]` the previous tokens. */
  previous: Tensor1D;
  /** `[B, H]` the state s_{t-1} and the cell state. */
  h: Tensor2D;
  c: Tensor2D;
}

/** What `AttentionDecoderStepCall` gives back; the tensors are the caller's to dispose. */
export interface AttentionDecoderStepResult {
  /** `[B, V]` the logits; `[B, H]` the new state; `[B, S]` the attention weights α. */
  logits: Tensor2D;
  h: Tensor2D;
  c: Tensor2D;
  attention: Tensor2D;
}

/**
 * Greedy decoding, the whole loop at once: at each step the most probable token; a row stops at
 * `eosId`, and at step `maxLength` EOS is taken whatever the logits say.
 */
export interface GreedyAttentionDecodeCall extends AttentionLSTMDecoder {
  /** `[B, H]` the decoder's first state (the bridged encoder state). */
  h0: Tensor2D;
  c0: Tensor2D;
  bosId: number;
  eosId: number;
  /** The last step: at most `maxLength + 1` steps. */
  maxLength: number;
  /** Whether to return the attention weights of every step. */
  withAttention: boolean;
}

/** What `GreedyAttentionDecodeCall` gives back; the tensors are the caller's to dispose. */
export interface GreedyAttentionDecodeResult {
  /**
   * `[B, maxLength + 1, 4]`: per row and step up to its EOS, the token chosen (a float), its
   * logit, the largest logit and `Σ_v exp(logit_v - largest)`, so that the token's log
   * probability is `logit - largest - log Σ`. Steps after a row's EOS hold nothing meaningful.
   */
  record: Tensor3D;
  /** `[B, maxLength + 1, S]` the attention weights α of every step, when asked for. */
  attention?: Tensor3D;
}
