import type { MachineDescription } from '../machine';
import type { DatesAlignment, MonotonicAlignment } from './alignment';
import type { Seq2SeqRace } from './gru-vs-lstm';
import type { HorizonRun } from './memory-horizon';

/**
 * The schema of `results/claims.json`. Each claim of the seed is an experiment whose verdict
 * is computed from the data below it.
 */
export interface ClaimsResults {
  suite: 'claims';
  schemaVersion: 1;
  quick: boolean;
  /** Where and when the run that measured every claim not listed in `reruns` ran. */
  machine: MachineDescription;
  /** Claims measured again later by `--only`, oldest first, each with its own machine and date. */
  reruns?: Array<{ claims: ClaimName[]; machine: MachineDescription }>;
  parameterCounts: {
    rows: Array<{ kind: string; input: number; hidden: number; measured: number; formula: number }>;
    verdict: string;
  };
  vanishingGradients: {
    distances: number[];
    /** Mean ‖∂L/∂x_t‖ at each distance from the output, per kind (untrained, PyTorch init). */
    rnn: number[];
    lstm: number[];
    gru: number[];
    length: number;
    seeds: number;
    verdict: string;
  };
  bottleneck: {
    lengths: number[];
    /** Exact match per source length, attention model. */
    attention: number[];
    /** Exact match per source length, fixed-vector model. */
    noAttention: number[];
    /** Exact match per source length, fixed-vector model reading the source reversed. */
    noAttentionReversed: number[];
    parameters: { attention: number; noAttention: number };
    trainingSteps: number;
    task: string;
    verdict: string;
    reversalVerdict: string;
  };
  /**
   * Claim 3: recall accuracy per distance after the same training time on a curriculum, with
   * Gaussian noise on every input; the same without noise (`clean`), and from scratch.
   */
  memoryHorizon?: {
    distances: number[];
    rnn: number[];
    gru: number[];
    lstm: number[];
    inputNoise: number;
    budgetSeconds: number;
    runs: Record<'rnn' | 'gru' | 'lstm', HorizonRun>;
    clean: { budgetSeconds: number; runs: Record<'rnn' | 'gru' | 'lstm', HorizonRun> };
    scratch: {
      distances: number[];
      steps: number;
      rnn: number[];
      gru: number[];
      lstm: number[];
    };
    hiddenSize: number;
    verdict: string;
  };
  /** Claim 4: GRU against LSTM on recall (same time, from claim 3) and reversal (same steps). */
  gruVsLstm?: {
    /** From claim 3's runs with interference: the horizon (≥ 90% up to it) and the step time. */
    recall: Record<'gru' | 'lstm', { reach: number; msPerStep: number; steps: number }>;
    reversal: Seq2SeqRace;
    verdict: string;
  };
  /** Claim 7: how much attention falls where the alignment is expected. */
  alignment?: {
    dates: Omit<DatesAlignment, 'example'>;
    g2p?: Omit<MonotonicAlignment, 'example'>;
    examples: { dates: DatesAlignment['example']; g2p?: MonotonicAlignment['example'] };
    verdict: string;
  };
}

/** The claims `--only` can pick; the others keep their results from the earlier run. */
export const CLAIM_NAMES = [
  'parameters',
  'gradients',
  'memory',
  'gru-vs-lstm',
  'bottleneck',
  'alignment',
] as const;
export type ClaimName = (typeof CLAIM_NAMES)[number];
