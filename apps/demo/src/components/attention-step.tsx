import { displayLabel } from '@gated/viz';
import { useState } from 'preact/hooks';
import type { Explanation } from '../engine/explanation';
import { colorOf, inkOn } from './colors';
import { ContextFigure } from './context-figure';
import { percentage } from './format';
import { ColorLegend } from './heatmap';

/** The symbols of the formula, each linked to the cells that show it. */
type Term = 'e' | 'alpha' | 'h' | 'c' | 'p';

export interface AttentionStepProps {
  explanation: Explanation;
  /** Which decoder step (output position) is shown, 0-based. */
  step: number;
  onStep: (step: number) => void;
  /** Force candidate `id` at `step` ("what if"). */
  onForce: (step: number, id: number) => void;
  /** `bahdanau`, `luong-general`, …: which score formula to write. */
  attentionKind: string;
}

const s = (sub: string) => (
  <>
    s<sub>{sub}</sub>
  </>
);
const hj = (
  <>
    h<sub>j</sub>
  </>
);
const SCORE_FORMULAS: Record<string, preact.ComponentChildren> = {
  bahdanau: (
    <>
      vᵀ tanh(W {s('i−1')} + U {hj})
    </>
  ),
  'luong-concat': (
    <>
      vᵀ tanh(W {s('i')} + U {hj})
    </>
  ),
  'luong-general': (
    <>
      {s('i')}ᵀ W<sub>a</sub> {hj}
    </>
  ),
  'luong-dot': (
    <>
      {s('i')}ᵀ {hj}
    </>
  ),
};
const sym = (base: string, sub: string) => (
  <>
    {base}
    <sub>{sub}</sub>
  </>
);

/**
 * One decoder step, as the model computed it (Bahdanau et al. 2014, eqs. 5–6): the raw scores
 * e_ij for every input position, the softmax weights α_ij, the context c_i = Σ_j α_ij h_j, and
 * the five most probable next tokens, with the formula beside the numbers. Hovering (or
 * focusing) a symbol of the formula lights up the cells that hold it.
 */
export function AttentionStep(props: AttentionStepProps) {
  const { explanation, step, onStep, attentionKind } = props;
  const [term, setTerm] = useState<Term | null>(null);
  const current = explanation.steps[step];
  if (!current) return null;
  const last = explanation.steps.length - 1;
  const { sourceTokens } = explanation;
  const hasAttention = current.weights !== undefined;
  const lit = (t: Term) => (term === t ? ' lit' : '');
  const link = (t: Term, text: preact.ComponentChildren, title: string) => (
    // biome-ignore lint/a11y/noStaticElementInteractions: a hover/focus link between formula and cells
    <span
      class={`term${lit(t)}`}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: focusable so that keyboard users can link too
      tabIndex={0}
      title={title}
      data-term={t}
      onMouseEnter={() => setTerm(t)}
      onMouseLeave={() => setTerm(null)}
      onFocus={() => setTerm(t)}
      onBlur={() => setTerm(null)}
    >
      {text}
    </span>
  );
  const scores = current.scores ?? [];
  const weights = current.weights ?? [];
  const context = current.context ?? [];
  const scoreExtent = Math.max(1e-6, ...scores.map(Math.abs));
  const contextExtent = Math.max(
    1e-6,
    ...context.map(Math.abs),
    ...(explanation.encoderOutputs ?? []).flat().map(Math.abs),
  );
  const emitted = current.token;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: arrow keys step through the decoder
    <div
      class="attention-step"
      data-testid="attention-step"
      data-step={step}
      onKeyDown={(e) => {
        if (e.key === 'ArrowRight' && step < last) onStep(step + 1);
        else if (e.key === 'ArrowLeft' && step > 0) onStep(step - 1);
        else return;
        e.preventDefault();
      }}
    >
      <div class="controls">
        <button
          type="button"
          data-testid="attention-step-prev"
          disabled={step === 0}
          onClick={() => onStep(step - 1)}
          aria-label="Previous decoder step"
        >
          ◀ previous
        </button>
        <span aria-live="polite" data-testid="attention-step-label">
          Step <strong>i = {step + 1}</strong> of {last + 1}: the decoder emits{' '}
          <code>{displayLabel(emitted)}</code>
          {current.forced ? ' (forced by you)' : ''}
        </span>
        <button
          type="button"
          data-testid="attention-step-next"
          disabled={step === last}
          onClick={() => onStep(step + 1)}
          aria-label="Next decoder step"
        >
          next ▶
        </button>
        <span class="note">(or ← → here)</span>
      </div>
      {hasAttention ? (
        <>
          <p class="formula">
            {link('e', sym('e', 'ij'), 'raw score of input position j at step i')} ={' '}
            {SCORE_FORMULAS[attentionKind] ?? 'score(s, h_j)'}
            <span class="note"> — how well input j fits the decoder state</span>
            <br />
            {link('alpha', sym('α', 'ij'), 'attention weight: the softmax of the scores')} = exp(
            {sym('e', 'ij')}) / Σ<sub>k</sub> exp({sym('e', 'ik')})
            <span class="note"> — softmax: positive, summing to 1</span>
            <br />
            {link('c', sym('c', 'i'), 'the context vector of step i')} = Σ<sub>j</sub>{' '}
            {sym('α', 'ij')} · {link('h', hj, 'the encoder output at input position j')}
            <span class="note"> — the weighted sum the decoder reads</span>
            <br />
            {link(
              'p',
              <>
                p(y<sub>i</sub> | y<sub>&lt;i</sub>, x)
              </>,
              'the next-token distribution',
            )}{' '}
            = softmax(W<sub>o</sub> tanh(W<sub>c</sub> [{s('i')}; {sym('c', 'i')}]))
          </p>
          <div class="scroll-x">
            <table class="step-table">
              <thead>
                <tr>
                  <th scope="col">j</th>
                  {sourceTokens.map((t, j) => (
                    <th scope="col" key={j} data-token={t}>
                      {displayLabel(t)}
                    </th>
                  ))}
                  <th scope="col">Σ</th>
                </tr>
              </thead>
              <tbody>
                <tr data-testid="attention-scores" class={`values${lit('e')}`}>
                  <th scope="row">{sym('e', 'ij')}</th>
                  {scores.map((v, j) => (
                    <td
                      key={j}
                      data-value={v}
                      style={{
                        background: colorOf(v, -scoreExtent, scoreExtent, 'diverging'),
                        color: inkOn(v, -scoreExtent, scoreExtent, 'diverging'),
                      }}
                    >
                      {v.toFixed(2)}
                    </td>
                  ))}
                  <td />
                </tr>
                <tr data-testid="attention-weights" class={`values${lit('alpha')}`}>
                  <th scope="row">{sym('α', 'ij')}</th>
                  {weights.map((v, j) => (
                    <td
                      key={j}
                      data-value={v}
                      style={{
                        background: colorOf(v, 0, 1, 'sequential'),
                        color: inkOn(v, 0, 1, 'sequential'),
                      }}
                    >
                      {v.toFixed(2)}
                    </td>
                  ))}
                  <td data-testid="attention-weights-sum">
                    {weights.reduce((s, w) => s + w, 0).toFixed(4)}
                  </td>
                </tr>
              </tbody>
            </table>
          </div>
          <div class="legends">
            <ColorLegend min={-scoreExtent} max={scoreExtent} palette="diverging" label="score e" />
            <ColorLegend min={0} max={1} palette="sequential" label="weight α" />
          </div>
          <ContextFigure
            explanation={explanation}
            step={step}
            extent={contextExtent}
            litH={term === 'h'}
            litC={term === 'c'}
          />
        </>
      ) : (
        <p class="note">
          This model has no attention: every step sees the input only through the encoder’s final
          state, so there are no scores, weights or context to show.
        </p>
      )}
      <h4>Next-token candidates at step {step + 1}</h4>
      <ol data-testid="attention-topk" class={`topk${lit('p')}`}>
        {current.candidates.map((c) => (
          <li key={c.id} data-token={c.token} data-value={c.probability}>
            <span class="bar" style={{ width: `${Math.max(1, 100 * c.probability)}%` }} />
            <code>{displayLabel(c.token)}</code> {percentage(c.probability)}
            {c.id === current.id ? (
              <span class="note"> — {current.forced ? 'forced' : 'chosen'}</span>
            ) : (
              <button
                type="button"
                class="what-if"
                data-testid="attention-force"
                onClick={() => props.onForce(step, c.id)}
              >
                what if?
              </button>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
