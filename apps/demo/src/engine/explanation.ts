import type { BeamNodeStatus } from '@gated/seq2seq';

/** One candidate next token, as the page shows it. */
export interface CandidateView {
  /** Target-vocabulary id (for forcing it). */
  id: number;
  /** Display text; `</s>` for the end of the output. */
  token: string;
  probability: number;
}

/** One decoder step of the shown answer, from the model's own forward pass (`explainDecode`). */
export interface StepView {
  id: number;
  token: string;
  probability: number;
  /** Forced by a "what if" click rather than chosen by the model. */
  forced: boolean;
  /** The top 5 next tokens at this step, best first. */
  candidates: CandidateView[];
  /** Attention models: e_ij, α_ij per input position, and c_i (`[He]`). */
  scores?: number[];
  weights?: number[];
  context?: number[];
}

export interface BeamNodeView {
  id: number;
  parent: number;
  depth: number;
  token: string;
  logProb: number;
  score: number;
  status: BeamNodeStatus;
}

/** Everything the attention section shows for one typed input. */
export interface Explanation {
  /** The model's attention (`bahdanau`, `luong-general`, … or `none`), for writing its formula. */
  attention: string;
  /** What the model read (after normalisation), and what was changed to get it. */
  read: string;
  changes: string[];
  /** Characters the model has no token for, named (`“é” (U+00E9)`). */
  unreadable: string[];
  sourceTokens: string[];
  /** The shown answer: greedy, or greedy after the forced prefix. */
  outputTokens: string[];
  output: string;
  steps: StepView[];
  /** h_j `[S][He]`, the vectors the contexts average (attention models). */
  encoderOutputs?: number[][];
  /** P(answer | input): the product of the step probabilities, EOS included. */
  confidence: number;
  /** Sentences that qualify the answer: invalid, outside training, low confidence. */
  warnings: string[];
  /** Dates: whether the answer is a real calendar day. */
  valid?: boolean;
  beam: {
    beamSize: number;
    nodes: BeamNodeView[];
    /** Best first: output, normalised score, sequence probability. */
    nBest: Array<{ output: string; score: number; probability: number }>;
  };
  milliseconds: number;
}

/** Below this sequence probability an answer is called low-confidence. */
export const LOW_CONFIDENCE = 0.5;
