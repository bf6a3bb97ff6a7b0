import { encodeSafetensors } from '@gated/cells';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { relisted, withConfig } from '../test/edit-manifest';
import { expectNoLeaks } from '../test/leaks';
import { tensorsMadeBy } from '../test/tensors-made';
import { tinyConfig, tinyExamples } from '../test/tiny-task';
import { loadModel, loadTraining, saveModel, saveTraining } from './checkpoint';
import type { AttentionKind, CellKind, Seq2SeqConfig } from './config';
import { resolveConfig } from './config';
import { CHECKPOINT_LIMITS, parameterCount } from './config-limits';
import { Seq2Seq } from './seq2seq';
import { Trainer } from './trainer';

const cells: CellKind[] = ['lstm', 'gru', 'rnn'];
const attentions: AttentionKind[] = [
  'none',
  'bahdanau',
  'luong-dot',
  'luong-general',
  'luong-concat',
];
const grid: Seq2SeqConfig[] = cells
  .flatMap((cell) =>
    attentions.flatMap((attention) =>
      [true, false].flatMap((bidirectional) =>
        [10, 6].flatMap((encoderHiddenSize) =>
          [false, true].map((tieEmbeddings) =>
            tinyConfig({
              cell,
              attention,
              bidirectional,
              encoderHiddenSize,
              tieEmbeddings,
              encoderLayers: encoderHiddenSize === 6 ? 2 : 1,
              decoderLayers: tieEmbeddings ? 3 : 1,
              targetVocabSize: 13,
            }),
          ),
        ),
      ),
    ),
  )
  .filter((c) => c.attention !== 'luong-dot' || c.encoderHiddenSize === c.hiddenSize);

describe('parameterCount', () => {
  it(`equals numParameters() of the built model for all ${grid.length} kinds of model`, () => {
    for (const config of grid) {
      const model = new Seq2Seq(config);
      expect(parameterCount(resolveConfig(config)), JSON.stringify(config)).toBe(
        model.numParameters(),
      );
      model.dispose();
    }
  });
});

describe('a hostile or damaged config is refused before any tensor exists', () => {
  const model = new Seq2Seq(tinyConfig({ cell: 'gru' }));
  const files = saveModel(model);
  model.dispose();
  const { maxLayers, maxWidth, maxVocabSize, maxParameters } = CHECKPOINT_LIMITS;
  const count = (fields: Partial<Seq2SeqConfig>) =>
    parameterCount(resolveConfig(tinyConfig({ cell: 'gru', ...fields })));
  const huge = count({ sourceVocabSize: 1e6, embeddingSize: 8192 }); // 8.2e9
  const wider = count({ hiddenSize: 12, encoderHiddenSize: 12 });
  const saved = 4 * count({}); // F32
  const cases: Array<[string, Record<string, unknown>, string]> = [
    [
      'encoderLayers: 1e9 (extreme)',
      { encoderLayers: 1e9 },
      `config.encoderLayers must be at most ${maxLayers} (limits.maxLayers), got 1000000000`,
    ],
    [
      'decoderLayers: 40',
      { decoderLayers: 40 },
      `config.decoderLayers must be at most ${maxLayers} (limits.maxLayers), got 40`,
    ],
    [
      'hiddenSize: 1e6 (extreme)',
      { hiddenSize: 1e6 },
      `config.hiddenSize must be at most ${maxWidth} (limits.maxWidth), got 1000000`,
    ],
    [
      'sourceVocabSize: 2e6',
      { sourceVocabSize: 2e6 },
      `config.sourceVocabSize must be at most ${maxVocabSize} (limits.maxVocabSize), got 2000000`,
    ],
    [
      'each size within its limit, 8.2e9 parameters in all (extreme)',
      { sourceVocabSize: 1e6, embeddingSize: 8192 },
      `the config describes ${huge} parameters, more than the limit of ${maxParameters} (limits.maxParameters)`,
    ],
    [
      'hiddenSize: 12 with the weights of hiddenSize 10',
      { hiddenSize: 12, encoderHiddenSize: 12 },
      `weights.safetensors holds ${saved} bytes of tensor data; the config describes ${wider} values, ${4 * wider} or ${2 * wider} bytes`,
    ],
    [
      'reverseSource: "false" (a string)',
      { reverseSource: 'false' },
      'config.reverseSource must be a boolean, got "false"',
    ],
    ['dropout: "0.5"', { dropout: '0.5' }, 'config.dropout must be a number, got "0.5"'],
    ['hiddenSize: 10.5', { hiddenSize: 10.5 }, 'config.hiddenSize must be an integer, got 10.5'],
    [
      'an unknown field',
      { hiddenSizee: 10 },
      "config has an unknown field 'hiddenSizee' (a newer version's, or a typo)",
    ],
    [
      'sourceVocabSize deleted',
      { sourceVocabSize: undefined },
      'config.sourceVocabSize is missing',
    ],
    [
      'padId outside the vocabulary',
      { padId: 11 },
      'padId must be a target token id in [0, 11), got 11',
    ],
  ];
  it.each(cases)('%s', (_name, fields, message) => {
    const hostile = withConfig(files, fields);
    let refused: unknown;
    const made = tensorsMadeBy(() => {
      try {
        loadModel(hostile);
      } catch (error) {
        refused = error;
      }
    });
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toContain(message);
    expect(made).toBe(0);
  });

  it('limits can be raised for a model that needs them', () => {
    const deep = new Seq2Seq(tinyConfig({ encoderLayers: 3 }));
    const saved = saveModel(deep);
    expect(() => loadModel(saved, { limits: { maxLayers: 2 } })).toThrow(
      'config.encoderLayers must be at most 2 (limits.maxLayers), got 3',
    );
    const loaded = loadModel(saved, { limits: { maxLayers: 3 } }).model;
    expect(loaded.config.encoderLayers).toBe(3);
    loaded.dispose();
    deep.dispose();
  });
});

describe('training checkpoints', () => {
  it('refuses Adam moments that belong to no parameter, and leaks nothing when it refuses', async () => {
    const trainer = new Trainer(new Seq2Seq(tinyConfig()), { batchSize: 4 });
    await trainer.fit({ train: tinyExamples(8, 1), maxSteps: 1 });
    const files = saveTraining(trainer);
    const stray = { 'm.decoder.nothing': tf.zeros([3]), 'v.decoder.nothing': tf.zeros([3]) };
    await expectNoLeaks(() => {
      expect(() => loadTraining(files, { learningRate: -1 })).toThrow(
        'Trainer: learningRate must be > 0, got -1',
      );
      const bogus = relisted({ ...files, 'optimizer.safetensors': encodeSafetensors(stray) });
      expect(() => loadTraining(bogus)).toThrow(
        "optimizer.safetensors holds 'm.decoder.nothing', expected m.<parameter> or v.<parameter> of this model",
      );
    });
    tf.dispose(Object.values(stray));
    trainer.model.dispose();
    trainer.dispose();
  });
});
