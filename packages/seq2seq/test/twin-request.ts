/**
 * A batch both sides of the twin parity tests run, and gated's answer to it, in the shape the
 * PyTorch twin's `python/scripts/twin_outputs.py` writes (no vitest here: the fixture script
 * uses it too).
 */
import { disposeBatch, type Example, makeTrainingBatch } from '../src/batch';
import { beamSearch } from '../src/beam-search';
import { greedyDecode } from '../src/greedy';
import type { Hypothesis } from '../src/hypothesis';
import type { Seq2Seq } from '../src/seq2seq';

/** A batch to run both sides on: `examples` as `[source ids, target ids]` pairs. */
export interface TwinRequest {
  examples: Array<[number[], number[]]>;
  maxLength: number | null;
  beamSize: number;
  alpha: number;
  nBest: number;
}

export interface TwinOutputs {
  /** Teacher-forced logits `[B, T, V]`, flattened. */
  logits: { shape: number[]; values: number[] };
  greedy: Hypothesis[];
  beam: Hypothesis[][];
}

/** Gated's side of a twin request. Leaves no tensor behind. */
export function gatedOutputs(model: Seq2Seq, request: TwinRequest): TwinOutputs {
  const examples: Example[] = request.examples.map(([source, target]) => ({ source, target }));
  const sources = examples.map((e) => e.source);
  const options = request.maxLength === null ? {} : { maxLength: request.maxLength };
  const wasTraining = model.training;
  model.eval();
  const batch = makeTrainingBatch(model.config, examples);
  try {
    const logits = model.teacherForcedLogits(batch);
    const values = Array.from(logits.dataSync());
    const shape = [...logits.shape];
    logits.dispose();
    return {
      logits: { shape, values },
      greedy: greedyDecode(model, sources, options),
      beam: beamSearch(model, sources, {
        ...options,
        beamSize: request.beamSize,
        alpha: request.alpha,
        nBest: request.nBest,
      }),
    };
  } finally {
    disposeBatch(batch);
    model.train(wasTraining);
  }
}
