import { state } from './accelerator-state';
import { activeTape } from './gradient-tape';
import { jobParts, POOL_DATA, type Pool, runPoolJob } from './wasm-threads';

/*
 * Where a direction's data lies in the pool's memory, and the job words that point the module at
 * it. A forward writes one record (its inputs, gates, states and, training, room for their
 * gradients); the jobs of its backward read and write the same record. Each job also needs
 * transient scratch, placed after every record still kept.
 */

export type ThreadedKind = 'lstm' | 'gru' | 'rnn';

/** Memory for slots kept for a backward that has not come yet. */
const SLOT_BYTES = 512 * 2 ** 20;

/** The job words, in the order of the J_ enum in wasm/recurrence.c. */
const WORDS = [
  'op',
  'kind',
  'T',
  'B',
  'H',
  'I',
  'parts',
  'x',
  'weightIh',
  'bias',
  'weightHh',
  'biasHh',
  'h0',
  'c0',
  'mask',
  'xg',
  'gates',
  'hist',
  'chist',
  'tanhc',
  'out',
  'dout',
  'dh',
  'dc',
  'dwih',
  'dwhh',
  'db',
  'dbhh',
  'dx',
  'scratch',
  'scratchFloats',
  'shared',
  'nowait',
  'count',
  'generation',
  'failed',
] as const;
export type Word = (typeof WORDS)[number];
export const OP = { infer: 1, train: 2, backward: 3, weights: 4, inputGrad: 5, decode: 6 } as const;
/** KIND_ in recurrence.c; the Elman RNN's code says its nonlinearity. */
const kindCode = (kind: ThreadedKind, relu: boolean) =>
  kind === 'lstm' ? 1 : kind === 'gru' ? 2 : relu ? 4 : 3;
export const GATES: Record<ThreadedKind, number> = { lstm: 4, gru: 3, rnn: 1 };

/** Sizes of one job. */
export interface Sizes {
  kind: ThreadedKind;
  relu: boolean;
  T: number;
  B: number;
  H: number;
  I: number;
  hasMask: boolean;
  hasBiasHh: boolean;
  training: boolean;
}

/** A forward's data in the pool: float offsets of its areas (0: absent). */
export interface Slot {
  sizes: Sizes;
  at: Record<string, number>;
  end: number;
  /** The gradient tape the forward was recorded on (see gradient-tape.ts). */
  tape: unknown;
  backwardDone: boolean;
  weightsDone: boolean;
  inputGradDone: boolean;
}

/** Areas of a forward's record and their floats; 0 floats: not there. */
export function recordAreas(s: Sizes): [string, number][] {
  const { T, B, H, I, training } = s;
  const lstm = s.kind === 'lstm';
  const gru = s.kind === 'gru';
  const R = T * B;
  const G = GATES[s.kind] * H;
  const areas: [string, number][] = [
    ['x', R * I],
    ['mask', s.hasMask ? R : 0],
    ['weightIh', G * I],
    ['bias', G],
    ['weightHh', G * H],
    ['biasHh', s.hasBiasHh ? G : 0],
    ['h0', B * H],
    ['c0', lstm ? B * H : 0],
    ['xg', gru ? R * G : 0],
    ['gates', gru ? (training ? R * 4 * H : 0) : R * G],
    ['hist', (T + 1) * B * H],
    ['chist', lstm ? (T + 1) * B * H : 0],
    ['out', s.hasMask ? R * H : 0],
  ];
  if (training) {
    areas.push(['tanhc', lstm ? R * H : 0], ['dh', B * H], ['dc', lstm ? B * H : 0]);
    areas.push(['dwih', G * I], ['dwhh', G * H], ['db', G], ['dbhh', s.hasBiasHh ? G : 0]);
    areas.push(['dx', R * I]);
  }
  return areas;
}

/** Floats of scratch each part needs when a job runs on `parts` threads. */
const partFloats = (p: Pool, s: Sizes, parts: number) =>
  p.wasm.part_floats(kindCode(s.kind, s.relu), s.T, s.B, s.H, s.I, parts);

/**
 * Floats a job needs beyond its record: the parts' scratch (room for the parts a job runs on
 * now, or for one when a worker is lost), the shared scratch, dout.
 */
export function transientFloats(
  p: Pool,
  s: Sizes,
): { scratch: number; shared: number; total: number } {
  const parts = jobParts(p);
  const scratch = Math.max(parts * partFloats(p, s, parts), partFloats(p, s, 1));
  const shared = p.wasm.shared_floats(s.T, s.B, s.H, s.I);
  return { scratch, shared, total: align(scratch) + align(shared) + s.T * s.B * s.H };
}

export const align = (floats: number) => Math.ceil(floats / 4) * 4; // 16 bytes

/** The float offset where the slots in use end: records and job scratch go after it. */
export function slotsEnd(): number {
  let end = POOL_DATA / 4;
  for (const slot of state.slots.values()) end = Math.max(end, slot.end);
  return end;
}

/**
 * Where a new record of `floats` goes: after the slots still waiting for their backward, or at
 * the start when they would take the pool past SLOT_BYTES (they are then recomputed if needed).
 */
export function placeRecord(floats: number): number {
  // A slot whose backward ran is only read again by the same backward pass, before any forward;
  // one recorded on a tape that is no longer active will never see its backward.
  const tape = activeTape();
  for (const [id, slot] of state.slots) {
    const orphaned = slot.tape !== undefined && slot.tape !== tape;
    if (slot.backwardDone || orphaned) state.slots.delete(id);
  }
  if (state.slots.size > 0 && (slotsEnd() + floats) * 4 > SLOT_BYTES) state.slots.clear();
  return slotsEnd();
}

/** Runs one job of a record of `sizes`: on both threads, or on this one once the worker is lost. */
export function runJob(p: Pool, sizes: Sizes, fields: Partial<Record<Word, number>>): void {
  if (p.wasm.job_words() !== WORDS.length) {
    throw new Error('gated thread pool: the module and threaded-layout.ts disagree on the job');
  }
  runPoolJob(p, (parts, nowait) => {
    const words = {
      ...fields,
      parts,
      nowait: nowait ? 1 : 0,
      scratchFloats: partFloats(p, sizes, parts),
    };
    return jobWords(words);
  });
}

/** A job's words from the named fields (0 for every other word). */
export function jobWords(fields: Partial<Record<Word, number>>): Int32Array {
  return Int32Array.from(WORDS, (name) => fields[name] ?? 0);
}

/** Byte offsets of the named areas, as job words. */
function bytesOf(at: Record<string, number>, names: Word[]): Partial<Record<Word, number>> {
  return Object.fromEntries(names.map((n) => [n, (at[n] ?? 0) * 4]));
}

/** The job words every job of a record shares: sizes and where its areas are. */
export function recordWords(s: Sizes, at: Record<string, number>): Partial<Record<Word, number>> {
  const { T, B, H, I } = s;
  return {
    kind: kindCode(s.kind, s.relu),
    T,
    B,
    H,
    I,
    ...bytesOf(at, ['x', 'weightIh', 'bias', 'weightHh', 'biasHh', 'h0', 'c0', 'mask', 'xg']),
    ...bytesOf(at, ['gates', 'hist', 'chist', 'tanhc', 'out', 'dh', 'dc', 'dwih', 'dwhh']),
    ...bytesOf(at, ['db', 'dbhh', 'dx']),
  };
}
