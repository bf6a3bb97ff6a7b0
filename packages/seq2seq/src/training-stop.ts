import type { BestWeights } from './best-weights';
import type { FitOptions, RestoredBest, StopReason } from './fit-options';
import type { Trainer } from './trainer';

/** The stop that `fit` asked for (steps, epochs, signal, time), checked before each step. */
export function cleanStopReason(
  fit: FitOptions,
  state: { step: number; epoch: number },
  started: number,
): StopReason | null {
  if (fit.maxSteps !== undefined && state.step >= fit.maxSteps) return 'maxSteps';
  if (fit.epochs !== undefined && state.epoch >= fit.epochs) return 'epochs';
  if (fit.signal?.aborted) return 'aborted';
  if (fit.timeBudgetMs !== undefined && performance.now() - started >= fit.timeBudgetMs)
    return 'timeBudget';
  return null;
}

/** Why a run stopped, for the reasons that need no more detail than the options. */
export function stopMessage(reason: StopReason, fit: FitOptions): string {
  switch (reason) {
    case 'maxSteps':
      return `reached maxSteps (${fit.maxSteps})`;
    case 'epochs':
      return `completed ${fit.epochs} epochs`;
    case 'aborted':
      return 'the signal was aborted';
    case 'timeBudget':
      return `used up timeBudgetMs (${fit.timeBudgetMs})`;
    default:
      return reason;
  }
}

/**
 * Finishes a run: on an early stop, a divergence or a non-finite value, puts back the best
 * evaluation's weights when `best` holds them; then emits the `stop` event, whose message
 * ends by saying which weights the model now has.
 */
export function stopWith(
  trainer: Trainer,
  fit: FitOptions,
  best: BestWeights | null,
  reason: StopReason,
  detail: string,
): { reason: StopReason; message: string; restoredBest?: RestoredBest } {
  const { step, epoch } = trainer.state;
  const rollBack = !['maxSteps', 'epochs', 'aborted', 'timeBudget'].includes(reason);
  let restoredBest: RestoredBest | undefined;
  let weights = '';
  if (rollBack && best && !best.empty) {
    best.restoreInto(trainer.model.namedParameters());
    const metric = fit.earlyStopping?.metric ?? 'loss';
    const value = metric === 'loss' ? best.value : -best.value;
    restoredBest = { step: best.step, metric, value };
    weights = `Restored the weights of step ${best.step}, the best evaluation of this fit (validation ${metric} ${value.toPrecision(4)}).`;
  } else if (rollBack) {
    weights = best
      ? `No evaluation of this fit improved on the best (step ${trainer.state.bestStep}), so the weights are the last step's; the best checkpoint has that one.`
      : "The weights are the last step's (no better ones were kept: no validation, or restoreBest: false).";
  }
  const sentence = /[.!?]$/.test(detail) ? detail : `${detail}.`;
  const message = weights ? `${sentence} ${weights}` : sentence;
  fit.onProgress?.({ type: 'stop', step, epoch, reason, message, restoredBest });
  return { reason, message, restoredBest };
}
