import { checkInteger, checkNumber, checkOptionKeys } from './option-checks';

/**
 * When a run counts as diverged although its loss is still finite: the training loss has been
 * above `factor` × the reference for `patience` steps in a row. The reference is the larger of
 * the run's first loss (measured before its first update) and ln V, the loss of a uniform guess
 * over the V target tokens — so "diverged" means clearly worse than knowing nothing, which no
 * healthy run gets to, and a fine-tuning run that starts near 0 is not stopped for noise.
 * A slower decline is early stopping's business (and the best checkpoint keeps the best model).
 */
export interface DivergenceOptions {
  /** Default 2: a model at twice the loss of a uniform guess has lost everything it learned and more. */
  factor?: number;
  /** Default 10 steps: rides out a few odd batches; a run that has blown up stays up. */
  patience?: number;
}

/** The divergence rule with its defaults filled in, or `false` when it is off. */
export type ResolvedDivergence = Required<DivergenceOptions> | false;

/** What the rule remembers, saved in training checkpoints so a resumed run keeps counting. */
export interface DivergenceState {
  /** The loss of the run's first step, before any update; null until then. */
  firstLoss: number | null;
  /** Consecutive steps above the threshold. */
  stepsAbove: number;
}

export function initialDivergenceState(): DivergenceState {
  return { firstLoss: null, stepsAbove: 0 };
}

/** Defaults filled in; `false` turns the rule off (non-finite values still stop the run). */
export function resolveDivergence(where: string, options: unknown): ResolvedDivergence {
  if (options === false) return false;
  const given = options ?? {};
  checkOptionKeys(where, 'divergence', given, ['factor', 'patience']);
  const factor = given.factor ?? 2;
  const patience = given.patience ?? 10;
  checkNumber(where, 'divergence.factor', factor, (v) => v > 1, '> 1');
  checkInteger(where, 'divergence.patience', patience, 1);
  return { factor, patience };
}

/** The loss above which a step counts towards divergence. */
export function divergenceThreshold(
  rule: Required<DivergenceOptions>,
  state: DivergenceState,
  targetVocabSize: number,
): number {
  return rule.factor * Math.max(state.firstLoss ?? 0, Math.log(targetVocabSize));
}

/**
 * Counts one step's (finite) training loss; returns the sentence for the stop event once the
 * run has diverged, null otherwise.
 */
export function countTowardsDivergence(
  rule: ResolvedDivergence,
  state: DivergenceState,
  loss: number,
  targetVocabSize: number,
): string | null {
  state.firstLoss ??= loss;
  if (!rule) return null;
  const threshold = divergenceThreshold(rule, state, targetVocabSize);
  state.stepsAbove = loss > threshold ? state.stepsAbove + 1 : 0;
  if (state.stepsAbove < rule.patience) return null;
  return (
    `the training loss has been above ${threshold.toPrecision(4)} (divergence.factor ${rule.factor} × ` +
    `max(first loss ${state.firstLoss.toPrecision(4)}, ln V ${Math.log(targetVocabSize).toPrecision(4)})) ` +
    `for ${state.stepsAbove} steps; last ${loss.toPrecision(4)}`
  );
}
