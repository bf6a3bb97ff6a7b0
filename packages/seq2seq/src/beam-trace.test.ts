import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/leaks';
import { tinyConfig, tinyExamples } from '../test/tiny-task';
import { beamSearch, beamSearchTrace } from './beam-search';
import { lengthPenalty } from './hypothesis';
import { Seq2Seq } from './seq2seq';
import { Trainer } from './trainer';

describe('beamSearchTrace', () => {
  it('returns beamSearch’s hypotheses and a tree of at most beamSize kept nodes per depth', async () => {
    const model = new Seq2Seq(tinyConfig({ cell: 'lstm', attention: 'bahdanau' }));
    const trainer = new Trainer(model, { batchSize: 8, learningRate: 1e-2 });
    await trainer.fit({ train: tinyExamples(40, 1), maxSteps: 15 });
    trainer.dispose();
    const sources = tinyExamples(4, 9).map((e) => e.source);
    await expectNoLeaks(() => {
      for (const beamSize of [1, 3, 5]) {
        const options = { beamSize, nBest: beamSize, alpha: 0.6 };
        const plain = beamSearch(model, sources, options);
        for (const [b, source] of sources.entries()) {
          const { hypotheses, trace } = beamSearchTrace(model, source, options);
          expect(hypotheses).toEqual(plain[b]);
          const { nodes } = trace;
          expect(nodes[0]!.status).toBe('root');
          const depths = Math.max(...nodes.map((n) => n.depth));
          for (let d = 1; d <= depths; d++) {
            const atDepth = nodes.filter((n) => n.depth === d);
            expect(atDepth.filter((n) => n.status === 'kept').length).toBeLessThanOrEqual(beamSize);
            expect(atDepth.filter((n) => n.status === 'pruned').length).toBeLessThanOrEqual(
              beamSize,
            );
            // Kept nodes extend kept nodes (or the root), and are no worse than the pruned ones.
            for (const n of atDepth) expect(['kept', 'root']).toContain(nodes[n.parent]!.status);
            const worstKept = Math.min(
              ...atDepth.filter((n) => n.status !== 'pruned').map((n) => n.logProb),
            );
            for (const n of atDepth.filter((p) => p.status === 'pruned'))
              expect(n.logProb).toBeLessThanOrEqual(worstKept);
          }
          // Each node's log P is its parent's plus one token's (≤ 0), its score logP / lp(depth).
          for (const n of nodes.slice(1)) {
            expect(n.logProb).toBeLessThanOrEqual(nodes[n.parent]!.logProb + 1e-9);
            expect(n.score).toBeCloseTo(n.logProb / lengthPenalty(n.depth, 0.6), 9);
          }
          // The finished nodes are the n-best list, with its scores.
          const finished = nodes.filter((n) => n.status === 'finished').map((n) => n.score);
          for (const h of hypotheses) expect(finished).toContainEqual(h.score);
          // Walking up from a finished node spells its tokens.
          const best = nodes.find(
            (n) => n.status === 'finished' && n.score === hypotheses[0]!.score,
          )!;
          const tokens: number[] = [];
          for (let n = nodes[best.parent]!; n.parent >= 0; n = nodes[n.parent]!)
            tokens.unshift(n.token);
          expect(tokens).toEqual(hypotheses[0]!.tokens);
        }
      }
    });
    model.dispose();
  });
});
