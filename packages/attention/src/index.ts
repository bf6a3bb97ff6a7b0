export { AdditiveAttention, type AdditiveAttentionOptions } from './additive-attention';
export {
  Attention,
  type AttentionInput,
  type AttentionOutput,
  type ScoredAttentionOutput,
} from './attention';
export { LuongAttention, type LuongAttentionOptions } from './luong-attention';
export { lengthsToMask, maskedSoftmax } from './masked-softmax';
