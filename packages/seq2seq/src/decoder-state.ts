import type { Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';

/** What a decoder carries from one step to the next. */
export interface DecoderState {
  /** `[decoderLayers, B, H]` */
  h: Tensor3D;
  /** `[decoderLayers, B, H]`, LSTM only */
  c?: Tensor3D;
  /** `[B, H]`: Luong's input feeding, the previous attentional vector */
  feed?: Tensor2D;
}

/** The encoder's side of every decoder step, computed once per source batch. */
export interface DecoderMemory {
  /** `[B, S, He]` encoder outputs: the attention's keys and values */
  outputs: Tensor3D;
  /** `[B, S]` float32: 1 on real source positions, 0 on padding */
  mask: Tensor2D;
  /** The attention's key projection of `outputs`, computed once (attention models only) */
  projectedKeys?: Tensor3D;
}

/** One decoder step's result. */
export interface DecoderStepOutput {
  /** `[B, targetVocabSize]` unnormalised scores of the next token */
  logits: Tensor2D;
  state: DecoderState;
  /** `[B, S]` attention weights of this step (attention models only) */
  attention?: Tensor2D;
}

/** Previous tokens `[B]` int32 fed to a step. */
export type PreviousTokens = Tensor1D;

/** The attention's three stages at one decoder step (Bahdanau et al. 2014, eqs. 5–6). */
export interface AttentionStepDetail {
  /** `[B, S]` raw scores e_ij = score(s, h_j), before the masked softmax */
  scores: Tensor2D;
  /** `[B, S]` α_ij = softmax_j(e_ij), 0 on padding (the same tensor values as `attention`) */
  weights: Tensor2D;
  /** `[B, He]` c_i = Σ_j α_ij h_j, the context fed to this step */
  context: Tensor2D;
}

/** A step's result with, for attention models, its attention stages. */
export interface ExplainedStepOutput extends DecoderStepOutput {
  /** Attention models only. */
  detail?: AttentionStepDetail;
}
