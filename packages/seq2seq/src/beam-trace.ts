import { lengthPenalty } from './hypothesis';

/** What happened to one hypothesis of a beam search. */
export type BeamNodeStatus = 'root' | 'kept' | 'finished' | 'pruned';

/**
 * One hypothesis the search looked at: a node of the search tree. The root is BOS (depth 0);
 * a node at depth d ends in its d-th output token (EOS for `finished`).
 */
export interface BeamNode {
  /** Index in `BeamTrace.nodes`. */
  id: number;
  /** The node this one extends; -1 for the root. */
  parent: number;
  depth: number;
  /** The last token; -1 for the root. */
  token: number;
  /** log P of the whole hypothesis: the sum of its tokens' log-probabilities. */
  logProb: number;
  /** `logProb / lp(depth)`, the GNMT length-normalised score (Wu et al. 2016) that ranks finished outputs. */
  score: number;
  /**
   * `kept`: among the beam's best extensions at its depth, extended further; `finished`: ended
   * with EOS and entered the n-best list; `pruned`: among the best extensions that did not make
   * it into the beam (at most beamSize of them are recorded per depth, the runners-up).
   */
  status: BeamNodeStatus;
}

/** The search tree of one source. */
export interface BeamTrace {
  nodes: BeamNode[];
  beamSize: number;
  alpha: number;
}

/** Collects a search tree as the search runs; ids are assigned in the order nodes are added. */
export class BeamTraceRecorder {
  readonly trace: BeamTrace;

  constructor(beamSize: number, alpha: number) {
    this.trace = {
      beamSize,
      alpha,
      nodes: [{ id: 0, parent: -1, depth: 0, token: -1, logProb: 0, score: 0, status: 'root' }],
    };
  }

  /** Adds a node extending `parent` by `token`; returns its id. */
  add(parent: number, token: number, logProb: number, status: BeamNodeStatus): number {
    const depth = this.trace.nodes[parent]!.depth + 1;
    const id = this.trace.nodes.length;
    const score = logProb / lengthPenalty(depth, this.trace.alpha);
    this.trace.nodes.push({ id, parent, depth, token, logProb, score, status });
    return id;
  }
}
