import { displayLabel } from '@gated/viz';
import type { BeamNodeView, Explanation } from '../engine/explanation';
import { fixed, percentage } from './format';

const COLUMN = 78;
const ROW = 24;
const STATUS_TEXT = {
  root: 'start',
  kept: 'kept in the beam',
  finished: 'finished (ended with </s>)',
  pruned: 'pruned',
} as const;

/**
 * The beam search tree: one column per output position, every hypothesis the search kept (blue),
 * finished (green, with </s>) or pruned among the runners-up (grey), each with its
 * log-probability and length-normalised score, edges to the hypothesis it extends.
 */
export function BeamTree({ beam }: { beam: Explanation['beam'] }) {
  const { nodes } = beam;
  const depths = Math.max(0, ...nodes.map((n) => n.depth));
  // Within a column: kept first, then finished, then pruned, each best first.
  const order = { root: 0, kept: 0, finished: 1, pruned: 2 };
  const y = new Map<number, number>();
  let rows = 1;
  for (let d = 0; d <= depths; d++) {
    const column = nodes
      .filter((n) => n.depth === d)
      .sort((a, b) => order[a.status] - order[b.status] || b.logProb - a.logProb);
    for (const [i, n] of column.entries()) y.set(n.id, i);
    rows = Math.max(rows, column.length);
  }
  const width = (depths + 1) * COLUMN + 40;
  const height = rows * ROW + 10;
  const at = (n: BeamNodeView) => ({ x: 14 + n.depth * COLUMN, y: 14 + (y.get(n.id) ?? 0) * ROW });
  return (
    <div class="scroll-x">
      <svg
        class="beam-tree"
        data-testid="beam-tree"
        role="img"
        aria-label={`Beam search tree, beam size ${beam.beamSize}: ${nodes.length - 1} hypotheses`}
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
      >
        {nodes.slice(1).map((n) => {
          const from = at(nodes[n.parent]!);
          const to = at(n);
          return (
            <line
              key={`e${n.id}`}
              class={`edge ${n.status}`}
              x1={from.x + 6}
              y1={from.y}
              x2={to.x - 6}
              y2={to.y}
            />
          );
        })}
        {nodes.map((n) => {
          const { x, y: top } = at(n);
          return (
            <g
              key={n.id}
              class={`node ${n.status}`}
              data-testid={n.status === 'root' ? 'beam-root' : 'beam-node'}
              data-status={n.status}
              data-depth={n.depth}
              data-score={n.score}
              data-logprob={n.logProb}
              data-token={n.token}
            >
              <title>{`${displayLabel(n.token)}: ${STATUS_TEXT[n.status]}; log P = ${fixed(n.logProb, 3)}, score = ${fixed(n.score, 3)}`}</title>
              {n.status === 'finished' ? (
                <rect x={x - 6} y={top - 6} width={12} height={12} />
              ) : (
                <circle cx={x} cy={top} r={6} />
              )}
              <text x={x + 9} y={top - 1} class="node-token">
                {displayLabel(n.token)}
              </text>
              {n.status !== 'root' && (
                <text x={x + 9} y={top + 9} class="node-score">
                  {fixed(n.score, 2)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}

/** The finished hypotheses, best normalised score first. */
export function NBestList({ beam }: { beam: Explanation['beam'] }) {
  return (
    <ol data-testid="beam-nbest" class="nbest">
      {beam.nBest.map((h, i) => (
        <li key={i} data-score={h.score}>
          <output>{h.output || '(empty)'}</output>{' '}
          <span class="note">
            score {fixed(h.score, 3)}, P = {percentage(h.probability)}
          </span>
        </li>
      ))}
    </ol>
  );
}
