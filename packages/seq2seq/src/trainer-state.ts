import { type DivergenceState, initialDivergenceState } from './divergence';
import type { EvaluationMetrics } from './evaluate';
import { initialScheduleState, type ScheduleState } from './schedule';

/** Counters and memory of a training run: what a resume needs besides weights and moments. */
export interface TrainerState {
  step: number;
  epoch: number;
  /** Batches of the current epoch already used. */
  batchInEpoch: number;
  schedule: ScheduleState;
  /** Best validation value of the early-stopping metric so far (lower is better), if any. */
  best: number | null;
  /** The step of that best evaluation. */
  bestStep: number | null;
  evaluationsWithoutImprovement: number;
  /** The divergence rule's memory (see `DivergenceOptions`). */
  divergence: DivergenceState;
  history: Array<{ step: number; epoch: number } & EvaluationMetrics>;
}

export function initialTrainerState(): TrainerState {
  return {
    step: 0,
    epoch: 0,
    batchInEpoch: 0,
    schedule: initialScheduleState(),
    best: null,
    bestStep: null,
    evaluationsWithoutImprovement: 0,
    divergence: initialDivergenceState(),
    history: [],
  };
}

/** A state from a checkpoint, with the fields that older checkpoints lack filled in. */
export function withStateDefaults(state: Partial<TrainerState>): TrainerState {
  return {
    ...initialTrainerState(),
    ...state,
    divergence: { ...initialDivergenceState(), ...state.divergence },
  };
}
