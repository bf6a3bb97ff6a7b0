import type { Progress } from '../progress';
import type { ClaimsResults } from './claims-results';
import { gruVsLstmOnReversal } from './gru-vs-lstm';
import {
  type HorizonRun,
  horizonDistances,
  memoryHorizon,
  recallFromScratch,
  type ScratchRuns,
} from './memory-horizon';
import { gruVsLstmVerdict, memoryHorizonVerdict, reach } from './verdicts';

/** Claims 3 and 4 share the recall runs: the same training time for every cell. */
export async function memoryAndRace(
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
export function withVerdicts(
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
