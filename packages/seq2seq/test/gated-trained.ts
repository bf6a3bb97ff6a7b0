/**
 * Tiny models trained by gated for a few steps, for the gated → PyTorch half of the twin parity
 * tests: the live test (`src/torch-twin-live.test.ts`) and the committed fixture the twin's own
 * tests read (`make-gated-twin-fixtures.ts` writes it into `python/tests/fixtures/`).
 */
import type { Seq2SeqConfig } from '../src/config';
import { Seq2Seq } from '../src/seq2seq';
import { Trainer } from '../src/trainer';
import { tinyConfig, tinyExamples } from './tiny-task';
import type { TwinRequest } from './twin-request';

/** Every cell and attention kind, stacking, the bridge, tying, reversal, dropout (off when decoding). */
export const GATED_TRAINED_CASES: Record<string, Partial<Seq2SeqConfig>> = {
  'lstm-bahdanau-tied-dropout': {
    cell: 'lstm',
    attention: 'bahdanau',
    tieEmbeddings: true,
    dropout: 0.2,
  },
  'gru-luong-general-stacked-bridge-reversed': {
    cell: 'gru',
    attention: 'luong-general',
    encoderLayers: 2,
    decoderLayers: 2,
    encoderHiddenSize: 8,
    reverseSource: true,
  },
  'rnn-none-unidirectional': { cell: 'rnn', attention: 'none', bidirectional: false },
  'lstm-luong-concat-deeper-decoder': { cell: 'lstm', attention: 'luong-concat', decoderLayers: 2 },
  'gru-luong-dot-tied': { cell: 'gru', attention: 'luong-dot', tieEmbeddings: true },
};

/** Sources of the copy-and-shift task the models were trained on, and two unseen lengths. */
export const GATED_TRAINED_REQUEST: TwinRequest = {
  examples: [
    [
      [3, 4, 5],
      [4, 5, 6],
    ],
    [
      [9, 10, 3, 8, 7, 6],
      [10, 3, 4, 9, 8, 7],
    ],
    [[5], [6]],
  ],
  maxLength: null,
  beamSize: 3,
  alpha: 1,
  nBest: 2,
};

/** A model of `tinyConfig(overrides)` after `steps` Adam steps on the tiny task. */
export async function trainTiny(overrides: Partial<Seq2SeqConfig>, steps = 6): Promise<Seq2Seq> {
  const model = new Seq2Seq(tinyConfig(overrides));
  const trainer = new Trainer(model, { batchSize: 8, learningRate: 2e-2, seed: 3 });
  await trainer.fit({ train: tinyExamples(48, 7), maxSteps: steps });
  trainer.dispose();
  return model;
}
