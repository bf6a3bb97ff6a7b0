import { GRU, LSTM, RNN } from '@gated/cells';
import { gradientNormsByDistance } from '@gated/models';
import { loadTextModel } from '@gated/models/node';
import type { Progress } from '../progress';
import { datesAlignment, type MonotonicAlignment, monotonicAlignment } from './alignment';
import { bottleneck } from './bottleneck';
import { provenance } from './claims-provenance';
import type { ClaimName, ClaimsResults } from './claims-results';
import { memoryAndRace, withVerdicts } from './memory-and-race';
import { alignmentVerdict, vanishingVerdict } from './verdicts';

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
