import { GRU, LSTM, RNN } from '@gated/cells';
import { copyTask, Vocab } from '@gated/datasets';
import { gradientNormsByDistance, VOCAB_SPECIAL_IDS } from '@gated/models';
import { loadTextModel } from '@gated/models/node';
import { type AttentionKind, greedyDecode, Seq2Seq, Trainer } from '@gated/seq2seq';
import type { Progress } from '../progress';
import { datesAlignment, type MonotonicAlignment, monotonicAlignment } from './alignment';
import { provenance } from './claims-provenance';
import type { ClaimName, ClaimsResults } from './claims-results';
import { gruVsLstmOnReversal } from './gru-vs-lstm';
import {
  type HorizonRun,
  horizonDistances,
  memoryHorizon,
  recallFromScratch,
  type ScratchRuns,
} from './memory-horizon';
import {
  alignmentVerdict,
  bottleneckVerdicts,
  gruVsLstmVerdict,
  memoryHorizonVerdict,
  reach,
  vanishingVerdict,
} from './verdicts';

export { CLAIM_NAMES, type ClaimName, type ClaimsResults } from './claims-results';

/** Claim 1: parameter counts, measured against the closed forms. */
function parameterCounts(): ClaimsResults['parameterCounts'] {
  const gates = { rnn: 1, gru: 3, lstm: 4 } as const;
  const rows = (['lstm', 'gru', 'rnn'] as const).flatMap((kind) =>
    [
      [16, 32],
      [7, 5],
      [32, 128],
    ].map(([input, hidden]) => {
      const Layer = kind === 'lstm' ? LSTM : kind === 'gru' ? GRU : RNN;
      const layer = new Layer({ inputSize: input!, hiddenSize: hidden!, seed: 1 });
      const measured = layer.numParameters();
      layer.dispose();
      // G gate blocks, each an input matrix, a recurrent matrix and two biases.
      return {
        kind: kind.toUpperCase(),
        input: input!,
        hidden: hidden!,
        measured,
        formula: gates[kind] * hidden! * (input! + hidden! + 2),
      };
    }),
  );
  const lstm = rows.find((r) => r.kind === 'LSTM' && r.input === 16)!.measured;
  const gru = rows.find((r) => r.kind === 'GRU' && r.input === 16)!.measured;
  const allMatch = rows.every((r) => r.measured === r.formula);
  return {
    rows,
    verdict: `LSTM(16→32) has ${lstm} parameters and GRU(16→32) ${gru}, as the seed says (6400 vs 4800: the GRU has 3 gate blocks to the LSTM's 4, so 3/4 of the parameters); every count ${allMatch ? 'matches' : 'does NOT match'} G·H·(I + H + 2).`,
  };
}

/** Claim 2: how the gradient reaching x_t shrinks with distance, per kind, at initialisation. */
function vanishingGradients(quick: boolean): ClaimsResults['vanishingGradients'] {
  const length = quick ? 20 : 100;
  const seeds = quick ? 2 : 5;
  const norms: Record<'rnn' | 'lstm' | 'gru', number[]> = { rnn: [], lstm: [], gru: [] };
  for (const kind of ['rnn', 'lstm', 'gru'] as const) {
    // The mean over seeds of input 8, hidden 32, batch 16 layers (the demo draws the same).
    const sums = new Float64Array(length);
    for (let seed = 1; seed <= seeds; seed++)
      gradientNormsByDistance(kind, { length, seed }).forEach((norm, d) => {
        sums[d] = (sums[d] ?? 0) + norm / seeds;
      });
    norms[kind] = Array.from(sums);
  }
  const distances = Array.from({ length }, (_, d) => d);
  const verdict = vanishingVerdict(distances, norms.rnn, norms.lstm, norms.gru);
  return { distances, ...norms, length, seeds, verdict };
}

/** Claims 5 and 6: exact match against source length, with and without attention, and reversed. */
async function bottleneck(
  quick: boolean,
  progress?: Progress,
): Promise<ClaimsResults['bottleneck']> {
  const [minLength, maxLength] = quick ? [3, 6] : [5, 30];
  const steps = quick ? 10 : 1500;
  const make = (count: number, seed: number) =>
    copyTask({ count, minLength, maxLength, vocabularySize: 20, seed });
  const train = make(quick ? 200 : 20_000, 1);
  const test = make(quick ? 40 : 2_000, 2);
  const vocab = Vocab.build(train.map((e) => e.source));
  const encode = (examples: typeof train) =>
    examples.map((e) => ({ source: vocab.encode(e.source), target: vocab.encode(e.target) }));
  const lengths = Array.from({ length: maxLength - minLength + 1 }, (_, i) => minLength + i);
  const base = {
    sourceVocabSize: vocab.size,
    targetVocabSize: vocab.size,
    ...VOCAB_SPECIAL_IDS,
    cell: 'gru' as const,
    embeddingSize: 32,
    seed: 1,
  };
  // Similar parameter counts: the fixed-vector model gets a wider state to hold the whole input.
  const variants: Array<{
    name: 'attention' | 'noAttention' | 'noAttentionReversed';
    attention: AttentionKind;
    hiddenSize: number;
    reverseSource: boolean;
  }> = [
    { name: 'attention', attention: 'bahdanau', hiddenSize: quick ? 16 : 96, reverseSource: false },
    { name: 'noAttention', attention: 'none', hiddenSize: quick ? 18 : 128, reverseSource: false },
    {
      name: 'noAttentionReversed',
      attention: 'none',
      hiddenSize: quick ? 18 : 128,
      reverseSource: true,
    },
  ];
  const accuracy: Record<string, number[]> = {};
  const parameters: Record<string, number> = {};
  for (const variant of variants) {
    const model = new Seq2Seq({
      ...base,
      attention: variant.attention,
      hiddenSize: variant.hiddenSize,
      reverseSource: variant.reverseSource,
      bidirectional: variant.attention !== 'none',
    });
    parameters[variant.name] = model.numParameters();
    const trainer = new Trainer(model, {
      batchSize: 64,
      learningRate: 3e-3,
      schedule: { type: 'warmup-cosine', warmupSteps: 100, totalSteps: steps, minFactor: 0.05 },
      seed: 1,
    });
    await trainer.fit({ train: encode(train), maxSteps: steps });
    trainer.dispose();
    const encoded = encode(test);
    const correct = new Map<number, [number, number]>();
    for (let from = 0; from < encoded.length; from += 256) {
      const chunk = encoded.slice(from, from + 256);
      greedyDecode(
        model,
        chunk.map((e) => e.source),
      ).forEach((h, i) => {
        const target = chunk[i]!.target;
        const [hit, total] = correct.get(target.length) ?? [0, 0];
        const same = h.tokens.length === target.length && h.tokens.every((t, j) => t === target[j]);
        correct.set(target.length, [hit + (same ? 1 : 0), total + 1]);
      });
    }
    accuracy[variant.name] = lengths.map((length) => {
      const [hit, total] = correct.get(length) ?? [0, 0];
      return total === 0 ? Number.NaN : hit / total;
    });
    model.dispose();
    progress?.tick(`bottleneck: ${variant.name}`);
  }
  const verdicts = bottleneckVerdicts(
    lengths,
    accuracy.attention!,
    accuracy.noAttention!,
    accuracy.noAttentionReversed!,
  );
  return {
    lengths,
    attention: accuracy.attention!,
    noAttention: accuracy.noAttention!,
    noAttentionReversed: accuracy.noAttentionReversed!,
    parameters: { attention: parameters.attention!, noAttention: parameters.noAttention! },
    trainingSteps: steps,
    task: `copy, lengths ${minLength}–${maxLength}, 20 symbols, ${train.length} training examples`,
    ...verdicts,
  };
}

/** Claims 3 and 4 share the recall runs: the same training time for every cell. */
async function memoryAndRace(
  quick: boolean,
  progress?: Progress,
): Promise<Pick<ClaimsResults, 'memoryHorizon' | 'gruVsLstm'>> {
  const inputNoise = 0.5;
  const budgetSeconds = quick ? 1 : 150;
  const cleanBudgetSeconds = quick ? 1 : 60;
  const scratchSteps = quick ? 5 : 600;
  const distances = horizonDistances(quick);
  const scratchDistances = distances.slice(0, 3);
  const cells = ['rnn', 'gru', 'lstm'] as const;
  type Cell = (typeof cells)[number];
  const noisy = {} as Record<Cell, HorizonRun>;
  const clean = {} as Record<Cell, HorizonRun>;
  const scratch = {} as Record<Cell, ScratchRuns>;
  for (const cell of cells) {
    noisy[cell] = await memoryHorizon(cell, { quick, budgetSeconds, inputNoise, progress });
    clean[cell] = await memoryHorizon(cell, {
      quick,
      budgetSeconds: cleanBudgetSeconds,
      inputNoise: 0,
      progress,
    });
    scratch[cell] = await recallFromScratch(cell, {
      distances: scratchDistances,
      quick,
      steps: scratchSteps,
      progress,
    });
    progress?.tick(`memory horizon: ${cell}`);
  }
  const accuracy = { rnn: noisy.rnn.accuracy, gru: noisy.gru.accuracy, lstm: noisy.lstm.accuracy };
  const reversal = await gruVsLstmOnReversal(quick);
  progress?.tick('GRU vs LSTM: reversal');
  const recall = {
    gru: {
      reach: reach(distances, accuracy.gru),
      msPerStep: noisy.gru.msPerStep,
      steps: noisy.gru.steps,
    },
    lstm: {
      reach: reach(distances, accuracy.lstm),
      msPerStep: noisy.lstm.msPerStep,
      steps: noisy.lstm.steps,
    },
  };
  return {
    memoryHorizon: {
      distances,
      ...accuracy,
      inputNoise,
      budgetSeconds,
      runs: noisy,
      clean: { budgetSeconds: cleanBudgetSeconds, runs: clean },
      scratch: {
        distances: scratchDistances,
        steps: scratchSteps,
        rnn: scratch.rnn.accuracy,
        gru: scratch.gru.accuracy,
        lstm: scratch.lstm.accuracy,
      },
      hiddenSize: quick ? 4 : 32,
      verdict: '',
    },
    gruVsLstm: { recall, reversal, verdict: '' },
  };
}

/** The verdicts of claims 3 and 4, always recomputed from the data (also for reused results). */
function withVerdicts(
  memory: ClaimsResults['memoryHorizon'],
  race: ClaimsResults['gruVsLstm'],
): Pick<ClaimsResults, 'memoryHorizon' | 'gruVsLstm'> {
  const out: Pick<ClaimsResults, 'memoryHorizon' | 'gruVsLstm'> = {};
  if (memory) {
    const { distances, scratch } = memory;
    const reachOf = (accuracy: Record<'rnn' | 'gru' | 'lstm', number[]>, at: number[]) => ({
      rnn: reach(at, accuracy.rnn),
      gru: reach(at, accuracy.gru),
      lstm: reach(at, accuracy.lstm),
    });
    const clean = memory.clean.runs;
    out.memoryHorizon = {
      ...memory,
      verdict: memoryHorizonVerdict(
        distances,
        memory,
        memory.inputNoise,
        reachOf(
          { rnn: clean.rnn.accuracy, gru: clean.gru.accuracy, lstm: clean.lstm.accuracy },
          distances,
        ),
        {
          distances: scratch.distances,
          steps: scratch.steps,
          ...reachOf(scratch, scratch.distances),
        },
      ),
    };
  }
  if (race) {
    const [gru, lstm] = race.reversal.cells;
    out.gruVsLstm = {
      ...race,
      verdict: gruVsLstmVerdict(race.recall, { gru: gru!, lstm: lstm! }, race.reversal.steps),
    };
  }
  return out;
}

/** Where the shipped models are; the quick run reads the models its own quick run trained. */
export interface ModelPlaces {
  dates: string;
  g2p?: string;
  g2pTest?: ReadonlyArray<{ source: string[]; targets: string[][] }>;
}

/** Claim 7 on the shipped dates model and, when given, the G2P model. */
function alignment(places: ModelPlaces, quick: boolean): ClaimsResults['alignment'] {
  const dates = loadTextModel(places.dates);
  const { example: datesExample, ...datesNumbers } = datesAlignment(dates, quick ? 20 : 300);
  dates.dispose();
  let g2p: MonotonicAlignment | undefined;
  if (places.g2p && places.g2pTest) {
    const model = loadTextModel(places.g2p);
    g2p = monotonicAlignment(model, places.g2pTest);
    model.dispose();
  }
  const { example: g2pExample, ...g2pNumbers } = g2p ?? { example: undefined };
  return {
    dates: datesNumbers,
    ...(g2p ? { g2p: g2pNumbers as Omit<MonotonicAlignment, 'example'> } : {}),
    examples: { dates: datesExample, ...(g2pExample ? { g2p: g2pExample } : {}) },
    verdict: alignmentVerdict(
      {
        share: datesNumbers.share.all,
        uniform: datesNumbers.uniformShare.all,
        examples: datesNumbers.examples,
      },
      g2p
        ? {
            monotonic: g2p.monotonicShare,
            near: g2p.nearDiagonalShare,
            uniformNear: g2p.uniformNearDiagonalShare,
            examples: g2p.examples,
          }
        : undefined,
    ),
  };
}

export interface ClaimsOptions {
  quick: boolean;
  progress?: Progress;
  /** Run only these claims; the rest come from `earlier` (the results file already written). */
  only?: readonly ClaimName[];
  earlier?: ClaimsResults;
  models: ModelPlaces;
}

export async function runClaims(options: ClaimsOptions): Promise<ClaimsResults> {
  const { quick, progress } = options;
  const wanted = (name: ClaimName) => !options.only || options.only.includes(name);
  const earlier = options.earlier?.quick === quick ? options.earlier : undefined;
  const reuse = <K extends keyof ClaimsResults>(key: K, name: ClaimName): ClaimsResults[K] => {
    const value = earlier?.[key];
    if (value === undefined)
      throw new Error(
        `claims: --only leaves out '${name}', but no earlier ${quick ? 'quick ' : ''}results hold it; run it too`,
      );
    return value;
  };
  const counts = wanted('parameters') ? parameterCounts() : reuse('parameterCounts', 'parameters');
  progress?.tick('parameter counts');
  const gradients = wanted('gradients')
    ? vanishingGradients(quick)
    : reuse('vanishingGradients', 'gradients');
  progress?.tick('vanishing gradients');
  const measured =
    wanted('memory') || wanted('gru-vs-lstm')
      ? await memoryAndRace(quick, progress)
      : { memoryHorizon: earlier?.memoryHorizon, gruVsLstm: earlier?.gruVsLstm };
  const race = withVerdicts(measured.memoryHorizon, measured.gruVsLstm);
  const bottleneckResults = wanted('bottleneck')
    ? await bottleneck(quick, progress)
    : reuse('bottleneck', 'bottleneck');
  const alignmentResults = wanted('alignment')
    ? alignment(options.models, quick)
    : earlier?.alignment;
  progress?.tick('attention alignment');
  return {
    suite: 'claims',
    schemaVersion: 1,
    quick,
    ...provenance(options.only, earlier),
    parameterCounts: counts,
    vanishingGradients: gradients,
    bottleneck: bottleneckResults,
    ...(race.memoryHorizon ? { memoryHorizon: race.memoryHorizon } : {}),
    ...(race.gruVsLstm ? { gruVsLstm: race.gruVsLstm } : {}),
    ...(alignmentResults ? { alignment: alignmentResults } : {}),
  };
}
