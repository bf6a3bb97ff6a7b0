import { displayLabel } from '@gated/viz';
import type { Explanation } from '../engine/explanation';
import { colorOf } from './colors';
import { ColorLegend } from './heatmap';

/**
 * c_i = Σ_j α_ij h_j drawn: one strip per input position (its encoder output h_j, faded by its
 * weight α_ij), and the context strip they sum to. Each context cell carries its number.
 */
export function ContextFigure(props: {
  explanation: Explanation;
  step: number;
  extent: number;
  litH: boolean;
  litC: boolean;
}) {
  const { explanation, step, extent } = props;
  const h = explanation.encoderOutputs ?? [];
  const current = explanation.steps[step]!;
  const context = current.context ?? [];
  const weights = current.weights ?? [];
  const width = context.length;
  const cell = Math.max(2, Math.min(8, Math.floor(560 / Math.max(1, width))));
  const label = 64;
  const row = 12;
  const svgWidth = label + width * cell;
  const svgHeight = (h.length + 1) * row + 16;
  return (
    <figure class="heatmap-figure">
      <figcaption class="note">
        Context c_{step + 1} (bottom) = Σ_j α_{step + 1},j · h_j: each row is one input position’s
        encoder output h_j ({width} numbers), faded by its weight.
      </figcaption>
      <svg
        class="heatmap context-figure"
        role="img"
        aria-label={`Encoder outputs h_j weighted by α and the context vector of step ${step + 1}`}
        width={svgWidth}
        height={svgHeight}
        viewBox={`0 0 ${svgWidth} ${svgHeight}`}
      >
        <g data-testid="attention-h" class={props.litH ? 'lit' : ''}>
          {h.map((vector, j) => (
            <g key={j} data-row={j} opacity={0.15 + 0.85 * (weights[j] ?? 0)}>
              <text class="axis-label" x={label - 4} y={j * row + 10} text-anchor="end">
                {`${displayLabel(explanation.sourceTokens[j] ?? '')} ${(weights[j] ?? 0).toFixed(2)}`}
              </text>
              {vector.map((v, d) => (
                <rect
                  key={d}
                  x={label + d * cell}
                  y={j * row}
                  width={cell}
                  height={row - 2}
                  data-value={v}
                  fill={colorOf(v, -extent, extent, 'diverging')}
                />
              ))}
            </g>
          ))}
        </g>
        <g data-testid="attention-context" class={props.litC ? 'lit' : ''}>
          <text class="axis-label" x={label - 4} y={h.length * row + 22} text-anchor="end">
            c_i
          </text>
          {context.map((v, d) => (
            <rect
              key={d}
              x={label + d * cell}
              y={h.length * row + 12}
              width={cell}
              height={row}
              data-value={v}
              fill={colorOf(v, -extent, extent, 'diverging')}
            >
              <title>{`c_${step + 1}[${d}] = ${v.toFixed(4)}`}</title>
            </rect>
          ))}
        </g>
      </svg>
      <ColorLegend min={-extent} max={extent} palette="diverging" label="value of h_j and c_i" />
    </figure>
  );
}
