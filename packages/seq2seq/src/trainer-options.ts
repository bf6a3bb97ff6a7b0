import { type AdamOptions, checkAdamOptions } from './adam';
import { type DivergenceOptions, type ResolvedDivergence, resolveDivergence } from './divergence';
import { checkInteger, checkNumber, checkOptionKeys } from './option-checks';
import { checkSchedule, type LearningRateSchedule } from './schedule';

/** How to train; saved with training checkpoints so a resumed run uses the same. */
export interface TrainerOptions {
  /** Examples per update. Default 32: small enough for a page, large enough for stable Adam steps. */
  batchSize?: number;
  /** Adam's base learning rate, finite and > 0. Default 1e-3 (Kingma & Ba's default). */
  learningRate?: number;
  /** How the rate changes over training. Default constant: nothing to tune until it is needed. */
  schedule?: LearningRateSchedule;
  /** Clip gradients to this global L2 norm (Pascanu et al. 2013); 0 = off. Default 5, a common RNN setting. */
  clipNorm?: number;
  /** Label smoothing ε in [0, 1). Default 0: plain cross-entropy, comparable with other tools. */
  labelSmoothing?: number;
  /** Probability in [0, 1] of feeding the gold previous token in training. Default 1 (always), the classic recipe. */
  teacherForcing?: number;
  /** Seeds the data order, dropout and teacher-forcing draws; an integer ≥ 0. Default 0, so runs repeat. */
  seed?: number;
  /**
   * Adam's β1, β2, ε: default PyTorch's (0.9, 0.999, 1e-8), so results compare. And its
   * decoupled weight decay `weightDecay` (AdamW, Loshchilov & Hutter 2019): default 0 here, plain
   * Adam as before; `{ weightDecay: 0.01 }` is `torch.optim.AdamW` with its defaults.
   */
  adam?: AdamOptions;
  /**
   * When `fit` stops a run whose loss is finite but has exploded (see `DivergenceOptions`), or
   * `false` to let it run (NaN and infinite values stop it regardless). Default on: a diverged
   * run only wastes time and overwrites checkpoints.
   */
  divergence?: DivergenceOptions | false;
}

/** The trainer's options with every default filled in, as `trainer.options` holds them. */
export type ResolvedTrainerOptions = Required<Omit<TrainerOptions, 'adam' | 'divergence'>> & {
  adam: AdamOptions;
  divergence: ResolvedDivergence;
};

const KNOWN: ReadonlyArray<keyof TrainerOptions> = [
  'batchSize',
  'learningRate',
  'schedule',
  'clipNorm',
  'labelSmoothing',
  'teacherForcing',
  'seed',
  'adam',
  'divergence',
];

/** Fills in the defaults and refuses every option that would not train, naming it. */
export function resolveTrainerOptions(options: TrainerOptions): ResolvedTrainerOptions {
  const where = 'Trainer';
  checkOptionKeys(where, 'options', options, KNOWN);
  const resolved: ResolvedTrainerOptions = {
    batchSize: options.batchSize ?? 32,
    learningRate: options.learningRate ?? 1e-3,
    schedule: options.schedule ?? { type: 'constant' },
    clipNorm: options.clipNorm ?? 5,
    labelSmoothing: options.labelSmoothing ?? 0,
    teacherForcing: options.teacherForcing ?? 1,
    seed: options.seed ?? 0,
    adam: options.adam ?? {},
    divergence: resolveDivergence(where, options.divergence),
  };
  checkInteger(where, 'batchSize', resolved.batchSize, 1);
  checkNumber(where, 'learningRate', resolved.learningRate, (v) => v > 0, '> 0');
  checkSchedule(where, resolved.schedule);
  checkNumber(where, 'clipNorm', resolved.clipNorm, (v) => v >= 0, '≥ 0 (0 turns clipping off)');
  checkNumber(
    where,
    'labelSmoothing',
    resolved.labelSmoothing,
    (v) => v >= 0 && v < 1,
    'in [0, 1)',
  );
  checkNumber(
    where,
    'teacherForcing',
    resolved.teacherForcing,
    (v) => v >= 0 && v <= 1,
    'in [0, 1]',
  );
  checkInteger(where, 'seed', resolved.seed, 0);
  checkAdamOptions(where, 'adam', resolved.adam);
  return resolved;
}
