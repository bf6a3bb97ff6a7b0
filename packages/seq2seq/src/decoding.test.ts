import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/leaks';
import { tinyConfig, tinyExamples } from '../test/tiny-task';
import { beamSearch } from './beam-search';
import type { AttentionKind, CellKind } from './config';
import { greedyDecode } from './greedy';
import { lengthPenalty } from './hypothesis';
import { Seq2Seq } from './seq2seq';
import { Trainer } from './trainer';

const sources = tinyExamples(6, 5).map((e) => e.source);

/** A model trained a little, so that its outputs are neither uniform nor trivially short. */
async function trainedModel(
  cell: CellKind,
  attention: AttentionKind,
  reverseSource = false,
): Promise<Seq2Seq> {
  const model = new Seq2Seq(tinyConfig({ cell, attention, reverseSource }));
  const trainer = new Trainer(model, { batchSize: 8, learningRate: 1e-2 });
  await trainer.fit({ train: tinyExamples(40, 1), maxSteps: 15 });
  trainer.dispose();
  return model;
}

describe('length penalty', () => {
  it('is ((5 + |Y|) / 6)^α (Wu et al. 2016)', () => {
    expect(lengthPenalty(1, 1)).toBe(1);
    expect(lengthPenalty(7, 1)).toBe(2);
    expect(lengthPenalty(13, 0.5)).toBeCloseTo(Math.sqrt(3), 12);
    expect(lengthPenalty(4, 2)).toBeCloseTo(2.25, 12);
    expect(lengthPenalty(100, 0)).toBe(1);
  });
});

describe.each([
  ['lstm', 'bahdanau'],
  ['gru', 'luong-general'],
  ['rnn', 'none'],
  ['gru', 'luong-dot'],
  ['lstm', 'luong-concat'],
] as Array<[CellKind, AttentionKind]>)('decoding with %s and %s attention', (cell, attention) => {
  it('beam search with beam 1 returns exactly the greedy output; n-best lists are sorted', async () => {
    const model = await trainedModel(cell, attention);
    await expectNoLeaks(() => {
      const greedy = greedyDecode(model, sources);
      const beam1 = beamSearch(model, sources, { beamSize: 1, alpha: 0 });
      expect(beam1.map((list) => list[0]!.tokens)).toEqual(greedy.map((h) => h.tokens));
      for (const [i, list] of beam1.entries())
        expect(list[0]!.score).toBeCloseTo(greedy[i]!.score, 9);
      const nBest = beamSearch(model, sources, { beamSize: 4, nBest: 4, alpha: 0.6 });
      for (const list of nBest) {
        expect(list.length).toBeGreaterThan(1);
        for (let k = 1; k < list.length; k++)
          expect(list[k - 1]!.score).toBeGreaterThanOrEqual(list[k]!.score);
        expect(new Set(list.map((h) => h.tokens.join(' '))).size).toBe(list.length); // distinct hypotheses
      }
      // Beam search finds a sequence at least as probable (α = 0) as greedy's.
      const wide = beamSearch(model, sources, { beamSize: 4, alpha: 0 });
      for (const [i, list] of wide.entries()) {
        expect(list[0]!.score).toBeGreaterThanOrEqual(greedy[i]!.score - 1e-9);
      }
    });
    model.dispose();
  }, 60_000);

  it('attention rows sum to 1 over the real source positions, one row per output step', async () => {
    const model = await trainedModel(cell, attention);
    const [hypothesis] = beamSearch(model, [sources[0]!], { beamSize: 2 })[0]!;
    if (attention === 'none') {
      expect(hypothesis!.attention).toBeUndefined();
    } else {
      expect(hypothesis!.attention).toHaveLength(hypothesis!.tokens.length + 1); // EOS included
      for (const row of hypothesis!.attention!) {
        expect(row).toHaveLength(sources[0]!.length);
        expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
      }
    }
    model.dispose();
  }, 60_000);
});

describe('decoding input', () => {
  it('pads mixed lengths without changing any one sequence’s output', async () => {
    const model = await trainedModel('gru', 'bahdanau', true);
    const together = greedyDecode(model, sources);
    const alone = sources.map((s) => greedyDecode(model, [s])[0]!);
    expect(together).toHaveLength(sources.length);
    together.forEach((h, i) => {
      expect(h.tokens).toEqual(alone[i]!.tokens);
      expect(h.score).toBeCloseTo(alone[i]!.score, 4);
    });
    model.dispose();
  }, 60_000);

  it('refuses bad token ids and empty sources, naming them', () => {
    const model = new Seq2Seq(tinyConfig());
    expect(() =>
      greedyDecode(model, [
        [3, 4],
        [5, 11],
      ]),
    ).toThrow('greedyDecode: sources[1] holds 11, expected token ids in [0, 11)');
    expect(() => beamSearch(model, [[3], []])).toThrow(
      'beamSearch: sources[1] is empty; every source needs at least one token',
    );
    expect(() => beamSearch(model, [[3]], { beamSize: 0 })).toThrow(
      'beamSearch: beamSize must be a positive integer, got 0',
    );
    expect(() => greedyDecode(model, [])).toThrow('expected at least one source sequence');
    model.dispose();
  });
});

describe('Seq2Seq config', () => {
  it.each([
    [
      { hiddenSize: 9 },
      'a bidirectional encoder splits encoderHiddenSize across two directions; it must be even, got 9',
    ],
    [
      { attention: 'luong-dot', encoderHiddenSize: 6 },
      "'luong-dot' needs encoderHiddenSize = hiddenSize, got 6 and 10; use 'luong-general'",
    ],
    [{ padId: 1 }, 'bosId, eosId and padId must differ, got 1, 2, 1'],
    [{ eosId: 11 }, 'eosId must be a target token id in [0, 11), got 11'],
    [
      { attention: 'transformer' },
      "attention must be one of 'none', 'bahdanau', 'luong-dot', 'luong-general', 'luong-concat', got 'transformer'",
    ],
    [{ dropout: 1 }, 'dropout must be a number in [0, 1), got 1'],
  ])('refuses %j', (overrides, message) => {
    expect(() => new Seq2Seq(tinyConfig(overrides as never))).toThrow(message);
  });

  it('names parameters by where they live', () => {
    const model = new Seq2Seq(tinyConfig({ attention: 'bahdanau', cell: 'gru' }));
    const names = model.namedParameters().map(([n]) => n);
    expect(names).toContain('encoder.rnn.weight_ih_l0_reverse');
    expect(names).toContain('decoder.attention.energy_layer.weight');
    expect(names).toContain('decoder.output.projection.weight');
    model.dispose();
  });
});
