import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/leaks';
import { tinyConfig, tinyExamples } from '../test/tiny-task';
import { beamSearch } from './beam-search';
import { evaluate } from './evaluate';
import { greedyDecode } from './greedy';
import { lengthPenalty } from './hypothesis';
import { Seq2Seq } from './seq2seq';

const model = new Seq2Seq(tinyConfig({ hiddenSize: 6 }));
const idsAsTensor = tf.zeros([1, 2], 'int32');
afterAll(() => {
  model.dispose();
  idsAsTensor.dispose();
});

/** A model whose config was changed after it was built, as a careless caller might. */
function withConfig(overrides: Record<string, number>): Seq2Seq {
  return Object.assign(Object.create(model), { config: { ...model.config, ...overrides } });
}

type Call = [label: string, call: () => unknown, message: string];

const calls: Call[] = [
  [
    'beam maxLength -1',
    () => beamSearch(model, [[3, 4]], { maxLength: -1 }),
    'beamSearch: maxLength must be a positive integer, got -1',
  ],
  [
    'beam maxLength NaN',
    () => beamSearch(model, [[3, 4]], { maxLength: Number.NaN }),
    'beamSearch: maxLength must be a positive integer, got NaN',
  ],
  [
    'beam maxLength 0',
    () => beamSearch(model, [[3, 4]], { maxLength: 0 }),
    'beamSearch: maxLength must be a positive integer, got 0',
  ],
  [
    'beam maxLength 2.5',
    () => beamSearch(model, [[3, 4]], { maxLength: 2.5 }),
    'beamSearch: maxLength must be a positive integer, got 2.5',
  ],
  [
    'beam beamSize 0',
    () => beamSearch(model, [[3]], { beamSize: 0 }),
    'beamSearch: beamSize must be a positive integer, got 0',
  ],
  [
    'beam beamSize NaN',
    () => beamSearch(model, [[3]], { beamSize: Number.NaN }),
    'beamSearch: beamSize must be a positive integer, got NaN',
  ],
  [
    'beam beamSize 2.5',
    () => beamSearch(model, [[3]], { beamSize: 2.5 }),
    'beamSearch: beamSize must be a positive integer, got 2.5',
  ],
  [
    'beam beamSize huge',
    () => beamSearch(model, [[3]], { beamSize: 1e9 }),
    'beamSearch: beamSize must be at most 1000, got 1000000000',
  ],
  [
    'beam beamSize string',
    () => beamSearch(model, [[3]], { beamSize: '5' as never }),
    "beamSearch: beamSize must be a positive integer, got '5' (a string)",
  ],
  [
    'beam alpha NaN',
    () => beamSearch(model, [[3]], { alpha: Number.NaN }),
    'beamSearch: alpha (the length penalty exponent) must be a finite number, got NaN',
  ],
  [
    'beam alpha Infinity',
    () => beamSearch(model, [[3]], { alpha: Number.POSITIVE_INFINITY }),
    'beamSearch: alpha (the length penalty exponent) must be a finite number, got Infinity',
  ],
  [
    'beam alpha -1',
    () => beamSearch(model, [[3]], { alpha: -1 }),
    'beamSearch: alpha (the length penalty exponent) must be ≥ 0, got -1',
  ],
  [
    'beam lengthPenalty option',
    () => beamSearch(model, [[3]], { lengthPenalty: 0.6 } as never),
    "beamSearch: unknown option 'lengthPenalty' (expected beamSize, alpha, nBest, maxLength); the length penalty's exponent is alpha",
  ],
  [
    'beam nBest 0',
    () => beamSearch(model, [[3]], { nBest: 0 }),
    'beamSearch: nBest must be a positive integer, got 0',
  ],
  [
    'beam nBest > beamSize',
    () => beamSearch(model, [[3]], { beamSize: 3, nBest: 4 }),
    'beamSearch: nBest must be at most beamSize (3), got 4',
  ],
  [
    'beam empty batch',
    () => beamSearch(model, []),
    'beamSearch: expected at least one source sequence, got none',
  ],
  [
    'beam flat source',
    () => beamSearch(model, [3, 4] as never),
    'beamSearch: sources[0] must be an array of token ids, got 3; a batch of one source is [[3, 4, 5]], not [3, 4, 5]',
  ],
  [
    'beam tensor source',
    () => beamSearch(model, idsAsTensor as never),
    'beamSearch: sources must be an array of token-id arrays, got a Tensor of shape [1, 2]; pass the ids as arrays (tensor.arraySync())',
  ],
  [
    'beam typed-array row',
    () => beamSearch(model, [Int32Array.of(3, 4)] as never),
    'beamSearch: sources[0] must be an array of token ids, got a Int32Array',
  ],
  [
    'beam float id',
    () => beamSearch(model, [[3, 4.5]]),
    'beamSearch: sources[0] holds 4.5, expected token ids in [0, 11)',
  ],
  [
    'beam string id',
    () => beamSearch(model, [[3, '4']] as never),
    "beamSearch: sources[0] holds '4' (a string), expected token ids in [0, 11)",
  ],
  [
    'beam negative id',
    () => beamSearch(model, [[3], [-1]]),
    'beamSearch: sources[1] holds -1, expected token ids in [0, 11)',
  ],
  [
    'beam empty source',
    () => beamSearch(model, [[3], []]),
    'beamSearch: sources[1] is empty; every source needs at least one token',
  ],
  [
    'beam eosId out of vocabulary',
    () => beamSearch(withConfig({ eosId: 50 }), [[3]]),
    'beamSearch: model.config.eosId must be a target token id in [0, 11), got 50',
  ],
  [
    'beam bosId out of vocabulary',
    () => beamSearch(withConfig({ bosId: -1 }), [[3]]),
    'beamSearch: model.config.bosId must be a target token id in [0, 11), got -1',
  ],
  [
    'beam no model',
    () => beamSearch(undefined as never, [[3]]),
    'beamSearch: model must be a Seq2Seq, got undefined',
  ],
  [
    'beam options not an object',
    () => beamSearch(model, [[3]], 5 as never),
    'beamSearch: options must be an object, got 5',
  ],
  [
    'greedy maxLength -1',
    () => greedyDecode(model, [[3, 4]], { maxLength: -1 }),
    'greedyDecode: maxLength must be a positive integer, got -1',
  ],
  [
    'greedy maxLength Infinity',
    () => greedyDecode(model, [[3]], { maxLength: Number.POSITIVE_INFINITY }),
    'greedyDecode: maxLength must be a positive integer, got Infinity',
  ],
  [
    'greedy beamSize option',
    () => greedyDecode(model, [[3]], { beamSize: 3 } as never),
    "greedyDecode: unknown option 'beamSize' (expected maxLength); greedy decoding has no beam; call beamSearch",
  ],
  [
    'greedy undefined sources',
    () => greedyDecode(model, undefined as never),
    'greedyDecode: sources must be an array of token-id arrays, got undefined',
  ],
  [
    'greedy id past the vocabulary',
    () =>
      greedyDecode(model, [
        [3, 4],
        [5, 11],
      ]),
    'greedyDecode: sources[1] holds 11, expected token ids in [0, 11)',
  ],
  [
    'greedy eosId out of vocabulary',
    () => greedyDecode(withConfig({ eosId: 11 }), [[3]]),
    'greedyDecode: model.config.eosId must be a target token id in [0, 11), got 11',
  ],
  [
    'evaluate no examples',
    () => evaluate(model, []),
    'evaluate: examples must hold at least one example, got an array of 0',
  ],
  [
    'evaluate bad target',
    () => evaluate(model, [...tinyExamples(3, 1), { source: [3], target: [11] }], { batchSize: 2 }),
    'evaluate: examples[3].target holds 11, expected token ids in [0, 11)',
  ],
  [
    'evaluate batchSize 0',
    () => evaluate(model, tinyExamples(3, 1), { batchSize: 0 }),
    'evaluate: batchSize must be a positive integer, got 0',
  ],
  [
    'lengthPenalty alpha NaN',
    () => lengthPenalty(3, Number.NaN),
    'lengthPenalty: alpha must be a finite number, got NaN',
  ],
  [
    'lengthPenalty length -1',
    () => lengthPenalty(-1, 1),
    'lengthPenalty: length must be an integer ≥ 0, got -1',
  ],
];

describe('decoding refuses bad calls at its boundary, naming what was expected', () => {
  it.each(calls)('%s', async (_label, call, message) => {
    await expectNoLeaks(() => {
      let error: Error | undefined;
      try {
        call();
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).toBe(message);
    });
  });
});

describe('a decode that fails midway frees what it made', () => {
  it.each([
    ['greedyDecode', (m: Seq2Seq) => greedyDecode(m, [[3, 4], [5]])],
    ['beamSearch', (m: Seq2Seq) => beamSearch(m, [[3, 4], [5]], { beamSize: 3 })],
  ])('%s, when the decoder fails at its third step', async (_name, decode) => {
    let calls = 0;
    const failing = Object.assign(Object.create(model) as Seq2Seq, {
      step: (...args: Parameters<Seq2Seq['step']>) => {
        if (++calls === 3) throw new Error('step failed');
        return model.step(...args);
      },
    });
    await expectNoLeaks(() => {
      expect(() => decode(failing)).toThrow('step failed');
    });
    expect(calls).toBe(3);
  });

  it.each([
    ['greedyDecode', (m: Seq2Seq) => greedyDecode(m, [[3, 4]])],
    ['beamSearch', (m: Seq2Seq) => beamSearch(m, [[3, 4]])],
  ])('%s, when the encoder fails', async (_name, decode) => {
    const failing = Object.assign(Object.create(model) as Seq2Seq, {
      encode: () => {
        throw new Error('encode failed');
      },
    });
    await expectNoLeaks(() => {
      expect(() => decode(failing)).toThrow('encode failed');
    });
  });
});
