import { gatherRows, withTransposedWeights } from '@gated/cells';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { disposeBatch, makeSourceBatch, type SourceBatch } from './batch';
import { type BeamTrace, BeamTraceRecorder } from './beam-trace';
import { checkBeamCall } from './decode-checks';
import type { DecoderMemory, DecoderState } from './decoder-state';
import {
  attentionRow,
  type DecodeOptions,
  defaultMaxLength,
  type Hypothesis,
  lengthPenalty,
  readStep,
} from './hypothesis';
import type { Encoded, Seq2Seq } from './seq2seq';

export interface BeamSearchOptions extends DecodeOptions {
  /** Hypotheses kept per source at every step, in [1, 1000]. Default 5, a common NMT setting. */
  beamSize?: number;
  /** α ≥ 0 of the GNMT length penalty `((5 + |Y|) / 6)^α`; 0 = none. Default 1, as JoeyNMT. */
  alpha?: number;
  /** Hypotheses returned per source, best first, in [1, beamSize]. Default 1: the best. */
  nBest?: number;
}

interface Beam {
  tokens: number[];
  logProb: number;
  attention?: number[][];
  /** Its node in the search tree, when one is recorded. */
  node: number;
}

/**
 * Batched beam search (as in Sutskever et al. 2014 and GNMT): keeps the `beamSize` best partial
 * outputs per source; a hypothesis that emits EOS is finished with score `logP / lp(|Y|)`, its
 * length counting EOS. A source is done when `beamSize` hypotheses have finished, or at
 * `maxLength`, where the open ones are closed with EOS. With `beamSize: 1` this is greedy decoding.
 *
 * @param sources token ids `[B][S_b]`: B ≥ 1 arrays, each of S_b ≥ 1 source-vocabulary ids
 * @returns per source, the `nBest` hypotheses sorted by score, best first
 * @throws before allocating anything when a source, an option or the model's special ids are
 *   out of range, naming it: `beamSearch: maxLength must be a positive integer, got -1`
 */
export function beamSearch(
  model: Seq2Seq,
  sources: ReadonlyArray<readonly number[]>,
  options: BeamSearchOptions = {},
): Hypothesis[][] {
  checkBeamCall(model, sources, options);
  // Each decoder step reuses the same weights: transpose them once for the whole search.
  return withTransposedWeights(() => beamSearchBody(model, sources, options));
}

/**
 * `beamSearch` of one source, also returning its search tree: every hypothesis kept in the beam,
 * every finished one, and the best pruned ones at each depth, with log-probability and
 * length-normalised score. The hypotheses are exactly `beamSearch`'s.
 *
 * @param source token ids `[S]`, S ≥ 1
 * @returns `{ hypotheses }` (the `nBest` best, sorted) and `{ trace }`, the tree
 */
export function beamSearchTrace(
  model: Seq2Seq,
  source: readonly number[],
  options: BeamSearchOptions = {},
): { hypotheses: Hypothesis[]; trace: BeamTrace } {
  checkBeamCall(model, [source], options);
  const recorder = new BeamTraceRecorder(options.beamSize ?? 5, options.alpha ?? 1);
  const [hypotheses] = withTransposedWeights(() =>
    beamSearchBody(model, [source], options, recorder),
  );
  return { hypotheses: hypotheses!, trace: recorder.trace };
}

function beamSearchBody(
  model: Seq2Seq,
  sources: ReadonlyArray<readonly number[]>,
  options: BeamSearchOptions = {},
  recorder?: BeamTraceRecorder,
): Hypothesis[][] {
  const { config } = model;
  const beamSize = options.beamSize ?? 5;
  const alpha = options.alpha ?? 1;
  const nBest = options.nBest ?? 1;
  const maxLength = options.maxLength ?? defaultMaxLength(sources);
  const wasTraining = model.training;
  model.eval();
  const count = sources.length;
  const vocab = config.targetVocabSize;
  let batch: SourceBatch | undefined;
  let memory: DecoderMemory | undefined;
  let state: DecoderState | undefined;
  let previous: Tensor1D | undefined;
  try {
    batch = makeSourceBatch(config, sources, 'beamSearch');
    const steps = batch.source.shape[1];
    ({ memory, state } = tileBeams(model.encode(batch), count, beamSize));
    const withAttention = memory.projectedKeys !== undefined;
    // Only beam 0 is live at first, so the first step does not pick K copies of one token.
    let beams: Beam[][] = sources.map(() => [
      { tokens: [], logProb: 0, attention: withAttention ? [] : undefined, node: 0 },
    ]);
    const finished: Hypothesis[][] = sources.map(() => []);
    const done = new Array<boolean>(count).fill(false);
    previous = tf.fill([count * beamSize], config.bosId, 'int32') as Tensor1D;
    for (let t = 0; t <= maxLength && !done.every(Boolean); t++) {
      const out = model.step(previous, state, memory);
      const { logProbs, attention } = readStep(out);
      const parents = new Int32Array(count * beamSize);
      const chosen = new Int32Array(count * beamSize).fill(config.padId);
      const nextBeams: Beam[][] = [];
      for (let b = 0; b < count; b++) {
        const survivors: Beam[] = [];
        if (!done[b]) {
          const ranked = rankCandidates(
            beams[b]!,
            logProbs,
            b * beamSize,
            vocab,
            t === maxLength ? config.eosId : -1,
          );
          let next = 0;
          while (next < ranked.length) {
            const candidate = ranked[next++]!;
            const parent = beams[b]![candidate.beam]!;
            const row = b * beamSize + candidate.beam;
            const history =
              parent.attention && attention
                ? [
                    ...parent.attention,
                    attentionRow(config, attention, row, steps, batch.lengths[b]!),
                  ]
                : undefined;
            if (candidate.token === config.eosId) {
              const length = parent.tokens.length + 1;
              finished[b]!.push({
                tokens: parent.tokens,
                score: candidate.logProb / lengthPenalty(length, alpha),
                attention: history,
              });
              recorder?.add(parent.node, candidate.token, candidate.logProb, 'finished');
              if (finished[b]!.length >= beamSize) break;
            } else {
              parents[b * beamSize + survivors.length] = row;
              chosen[b * beamSize + survivors.length] = candidate.token;
              survivors.push({
                tokens: [...parent.tokens, candidate.token],
                logProb: candidate.logProb,
                attention: history,
                node: recorder?.add(parent.node, candidate.token, candidate.logProb, 'kept') ?? 0,
              });
              if (survivors.length === beamSize) break;
            }
          }
          // The runners-up, for the drawn tree: the best extensions that missed the beam.
          for (const pruned of ranked.slice(next, recorder ? next + beamSize : next))
            recorder?.add(beams[b]![pruned.beam]!.node, pruned.token, pruned.logProb, 'pruned');
          if (finished[b]!.length >= beamSize || survivors.length === 0) done[b] = true;
        }
        // Rows of a finished source, and unused beam rows, follow their first row (ignored).
        for (let k = survivors.length; k < beamSize; k++) parents[b * beamSize + k] = b * beamSize;
        nextBeams.push(survivors);
      }
      beams = nextBeams;
      const order = tf.tensor1d(parents, 'int32');
      const reordered = mapTensors(out.state, (s) =>
        gatherBeams(s, order, s.rank === 3 ? 1 : 0),
      ) as DecoderState;
      tf.dispose([
        order,
        previous,
        out.logits,
        out.attention,
        ...Object.values(out.state),
        ...Object.values(state),
      ]);
      state = reordered;
      previous = tf.tensor1d(chosen, 'int32');
    }
    return finished.map((list) => [...list].sort((a, b) => b.score - a.score).slice(0, nBest));
  } finally {
    tf.dispose([previous, ...Object.values(state ?? {}), ...Object.values(memory ?? {})]);
    if (batch) disposeBatch(batch);
    model.train(wasTraining);
  }
}

/**
 * The rows `rows` (int32 `[N']`) of a tensor with one row per hypothesis along `axis`: a state
 * `[L, N, H]` along its second axis, `[N, …]` along its first. As row copies of 2-D tensors,
 * which an accelerator gathers directly (tfjs-backend-wasm's gather of a `[1, N, H]` state along
 * axis 1 took 20 ms at N = 1280).
 */
function gatherBeams(t: Tensor, rows: Tensor1D, axis: 0 | 1): Tensor {
  return tf.tidy(() => {
    if (axis === 1) {
      const picked = tf.unstack(t).map((layer) => gatherRows(layer as Tensor2D, rows));
      return picked.length === 1 ? tf.expandDims(picked[0]!, 0) : tf.stack(picked);
    }
    const [n, ...rest] = t.shape;
    const flat = tf.reshape(t, [n!, rest.reduce((a, b) => a * b, 1)]) as Tensor2D;
    return tf.reshape(gatherRows(flat, rows), [rows.shape[0], ...rest]);
  });
}

/**
 * Every source's encoder memory and initial state repeated `beamSize` times: row b·K + k is
 * beam k of source b. Frees `encoded`, also when the gather fails.
 */
function tileBeams(encoded: Encoded, count: number, beamSize: number): Encoded {
  return tf.tidy(() => {
    const tiled = tf.tensor1d(
      Int32Array.from({ length: count * beamSize }, (_, i) => Math.floor(i / beamSize)),
      'int32',
    );
    try {
      return {
        memory: mapTensors(encoded.memory, (t) => gatherBeams(t, tiled, 0)),
        state: mapTensors(encoded.state, (t) => gatherBeams(t, tiled, t.rank === 3 ? 1 : 0)),
      } as unknown as tf.TensorContainer;
    } finally {
      tf.dispose([...Object.values(encoded.memory), ...Object.values(encoded.state)]);
    }
  }) as unknown as Encoded;
}

interface Candidate {
  beam: number;
  token: number;
  logProb: number;
}

/**
 * Every (beam, token) extension of a source's live beams, best first; ties go to the lower beam,
 * then the lower token id, so that beam size 1 picks what argMax picks. With `onlyToken` ≥ 0,
 * only that token may follow (EOS at the length limit).
 */
function rankCandidates(
  live: Beam[],
  logProbs: Float32Array,
  firstRow: number,
  vocab: number,
  onlyToken: number,
): Candidate[] {
  const candidates: Candidate[] = [];
  live.forEach((beam, k) => {
    const offset = (firstRow + k) * vocab;
    if (onlyToken >= 0) {
      candidates.push({
        beam: k,
        token: onlyToken,
        logProb: beam.logProb + logProbs[offset + onlyToken]!,
      });
      return;
    }
    for (let v = 0; v < vocab; v++)
      candidates.push({ beam: k, token: v, logProb: beam.logProb + logProbs[offset + v]! });
  });
  return candidates.sort((a, b) => b.logProb - a.logProb || a.beam - b.beam || a.token - b.token);
}

function mapTensors<T extends object>(record: T, f: (t: Tensor) => Tensor): T {
  const mapped: Record<string, Tensor> = {};
  for (const [key, value] of Object.entries(record))
    if (value instanceof tf.Tensor) mapped[key] = f(value);
  return mapped as T;
}
