import { checkInteger, checkNumber, checkOptionKeys, describeValue } from './option-checks';

/**
 * Learning-rate schedules, as plain data so that they can be saved with a training checkpoint.
 * - `constant`: the base rate.
 * - `warmup-cosine`: linear warm-up over `warmupSteps`, then cosine decay to `minFactor` × base
 *   at `totalSteps` (Loshchilov & Hutter 2017, without restarts).
 * - `plateau`: multiply by `factor` when the validation metric has not improved for `patience`
 *   evaluations, down to `minFactor` × base (PyTorch's ReduceLROnPlateau).
 */
export type LearningRateSchedule =
  | { type: 'constant' }
  | { type: 'warmup-cosine'; warmupSteps: number; totalSteps: number; minFactor?: number }
  | { type: 'plateau'; factor?: number; patience?: number; minFactor?: number };

/** Refuses a schedule that would give a non-finite, negative or growing-without-end rate. */
export function checkSchedule(
  where: string,
  schedule: unknown,
): asserts schedule is LearningRateSchedule {
  const name = 'schedule';
  const type = (schedule as { type?: unknown } | null)?.type;
  if (type === 'constant') {
    checkOptionKeys(where, name, schedule, ['type']);
  } else if (type === 'warmup-cosine') {
    checkOptionKeys(where, name, schedule, ['type', 'warmupSteps', 'totalSteps', 'minFactor']);
    checkInteger(where, 'schedule.warmupSteps', schedule.warmupSteps, 0);
    checkInteger(where, 'schedule.totalSteps', schedule.totalSteps, 1);
    // totalSteps < warmupSteps is allowed: a short (smoke) run that never leaves the warm-up.
  } else if (type === 'plateau') {
    checkOptionKeys(where, name, schedule, ['type', 'factor', 'patience', 'minFactor']);
    if (schedule.factor !== undefined)
      checkNumber(where, 'schedule.factor', schedule.factor, (v) => v > 0 && v < 1, 'in (0, 1)');
    if (schedule.patience !== undefined)
      checkInteger(where, 'schedule.patience', schedule.patience, 0);
  } else {
    throw new Error(
      `${where}: schedule.type must be 'constant', 'warmup-cosine' or 'plateau', got ${describeValue(type)}`,
    );
  }
  // Both decaying schedules floor the factor at minFactor.
  if (type !== 'constant' && schedule.minFactor !== undefined) {
    checkNumber(
      where,
      'schedule.minFactor',
      schedule.minFactor,
      (v) => v >= 0 && v <= 1,
      'in [0, 1]',
    );
  }
}

/** What a schedule remembers between steps (only `plateau` has anything). */
export interface ScheduleState {
  /** Current multiplier of the base rate. */
  factor: number;
  /** Evaluations without improvement, for `plateau`. */
  badEvaluations: number;
}

export function initialScheduleState(): ScheduleState {
  return { factor: 1, badEvaluations: 0 };
}

/** The learning rate for update number `step` (0-based). */
export function learningRateAt(
  schedule: LearningRateSchedule,
  base: number,
  step: number,
  state: ScheduleState,
): number {
  if (schedule.type === 'warmup-cosine') {
    const { warmupSteps, totalSteps } = schedule;
    const minFactor = schedule.minFactor ?? 0;
    if (step < warmupSteps) return (base * (step + 1)) / warmupSteps;
    const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
    return base * (minFactor + ((1 - minFactor) * (1 + Math.cos(Math.PI * progress))) / 2);
  }
  return base * state.factor;
}

/** Tells a `plateau` schedule whether the last evaluation improved on the best so far. */
export function afterEvaluation(
  schedule: LearningRateSchedule,
  state: ScheduleState,
  improved: boolean,
): ScheduleState {
  if (schedule.type !== 'plateau') return state;
  if (improved) return { ...state, badEvaluations: 0 };
  const badEvaluations = state.badEvaluations + 1;
  if (badEvaluations <= (schedule.patience ?? 2)) return { ...state, badEvaluations };
  const factor = Math.max(schedule.minFactor ?? 0.01, state.factor * (schedule.factor ?? 0.5));
  return { factor, badEvaluations: 0 };
}
