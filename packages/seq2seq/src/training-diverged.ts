import { nonFiniteNames } from './finite';
import type { Seq2Seq } from './seq2seq';

/** The non-finite stops, after which `fit` throws. */
export type NonFiniteReason = 'nonFiniteLoss' | 'nonFiniteGradients' | 'nonFiniteWeights';

/**
 * A NaN or infinite loss, gradient or weight. The step that met it changed nothing (its update
 * was refused), and no checkpoint was handed out from that state; `reason` says which it was.
 */
export class TrainingDivergedError extends Error {
  constructor(
    message: string,
    readonly reason: NonFiniteReason = 'nonFiniteLoss',
    readonly step = -1,
  ) {
    super(message);
    this.name = 'TrainingDivergedError';
  }
}

/** The error for a step refused because `what` (the loss became NaN, …) at `step`. */
export function refusedStep(
  model: Seq2Seq,
  position: { step: number; epoch: number },
  reason: NonFiniteReason,
  what: string,
): TrainingDivergedError {
  const { step, epoch } = position;
  const broken = nonFiniteNames(model.namedParameters());
  const already =
    broken.length > 0 ? ` The weights already held non-finite values (${broken.join(', ')}).` : '';
  return new TrainingDivergedError(
    `Trainer: ${what} at step ${step} (epoch ${epoch}); training stopped before that update, so this step changed ` +
      `neither the weights nor Adam's state, and no checkpoint is saved from it.${already} ` +
      'Try a lower learning rate or a smaller clipNorm.',
    reason,
    step,
  );
}

/** Checked before every checkpoint is handed out: non-finite weights stop the run instead. */
export function refuseNonFiniteWeights(model: Seq2Seq, step: number): void {
  const broken = nonFiniteNames(model.namedParameters());
  if (broken.length > 0)
    throw new TrainingDivergedError(
      `Trainer: ${broken.join(', ')} held non-finite values at step ${step}; ` +
        'no checkpoint was saved from them and training stopped.',
      'nonFiniteWeights',
      step,
    );
}
