import { useEffect, useState } from 'preact/hooks';
import { BeltView } from '../components/belt-view';
import { SERIES_COLORS } from '../components/colors';
import { Heatmap } from '../components/heatmap';
import { LineChart } from '../components/line-chart';
import type { Engine } from '../engine/client';
import type { GateView, GradientNorms } from '../engine/protocol';

const EXAMPLES = [
  { label: 'Short: 5 steps', text: 'K2 x1 x4 x0 x3 x5 ?' },
  {
    label: 'Long: 30 steps',
    text: `K1 ${Array.from({ length: 30 }, (_, i) => `x${(i * 7 + 3) % 6}`).join(' ')} ?`,
  },
  { label: 'Two keys: which wins?', text: 'K3 x2 x2 K0 x1 x5 x4 ?' },
];

const GATES: Array<{ name: string; title: string; palette: 'sequential' | 'diverging' }> = [
  { name: 'forget', title: 'Forget gate f (1 = keep the belt’s contents)', palette: 'sequential' },
  { name: 'input', title: 'Input gate i (1 = write onto the belt)', palette: 'sequential' },
  { name: 'output', title: 'Output gate o (1 = show the belt)', palette: 'sequential' },
  { name: 'cellState', title: 'Cell state c — the conveyor belt', palette: 'diverging' },
];

/** Section 1: the LSTM's gates and cell state on long-range recall, and vanishing gradients. */
export function LstmSection({ engine }: { engine: Engine }) {
  const [text, setText] = useState(EXAMPLES[0]!.text);
  const [view, setView] = useState<GateView | null>(null);
  const [error, setError] = useState('');
  const [norms, setNorms] = useState<GradientNorms | null>(null);

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      engine.request({ kind: 'gates', text }).result.then(
        (value) => {
          if (!current) return;
          setView(value);
          setError('');
        },
        (e: Error) => {
          if (!current) return;
          // A refused sequence clears the old answer and heatmaps: nothing stale under the error.
          setView(null);
          setError(e.message);
        },
      );
    }, 120);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [engine, text]);

  useEffect(() => {
    engine
      .request({ kind: 'gradient-norms', length: 60 })
      .result.then(setNorms, (e: Error) => setError(e.message));
  }, [engine]);

  const units = view
    ? Array.from({ length: view.gates.forget?.[0]?.length ?? 0 }, (_, i) => `${i}`)
    : [];
  return (
    <section id="lstm" aria-labelledby="lstm-title" data-testid="section-lstm">
      <h2 id="lstm-title">1. LSTM — the conveyor belt</h2>
      <p>
        A key (<code>K0</code>–<code>K3</code>) comes first, then distractors (<code>x0</code>–
        <code>x5</code>), then <code>?</code>: the answer is the key. A pretrained LSTM with 16
        units reads the sequence; below, every gate and the cell state at every step (columns are
        steps, rows are units). Change the key and watch which units of the cell state change with
        it and carry the difference to the <code>?</code>: those units keep their forget gate open,
        while others forget freely (the measured averages are under the answer).
      </p>
      <div class="controls">
        <label for="recall-input">Sequence</label>
        <input
          id="recall-input"
          data-testid="recall-input"
          value={text}
          size={60}
          spellcheck={false}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        {EXAMPLES.map((example) => (
          <button type="button" key={example.label} onClick={() => setText(example.text)}>
            {example.label}
          </button>
        ))}
      </div>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {view && (
        <div data-testid="gate-view">
          <p aria-live="polite">
            Answer: <strong data-testid="recall-answer">{view.prediction}</strong> (
            {view.probabilities.map((p, i) => `K${i} ${(100 * p).toFixed(1)}%`).join(', ')})
          </p>
          <ForgetSummary forget={view.gates.forget ?? []} />
          <div class="grid-2">
            {GATES.map((gate) => {
              const perStep = view.gates[gate.name] ?? [];
              const values = units.map((_, u) => perStep.map((step) => step[u] ?? 0));
              return (
                <div key={gate.name}>
                  <h3>{gate.title}</h3>
                  <Heatmap
                    title={`${gate.title}, units × steps`}
                    columns={view.tokens}
                    rows={units}
                    values={values}
                    palette={gate.palette}
                    domain={gate.palette === 'sequential' ? [0, 1] : undefined}
                    cellSize={14}
                    testId={`gate-${gate.name}`}
                    legend={
                      gate.palette === 'sequential'
                        ? 'gate value (0 = closed, 1 = open)'
                        : 'cell state value (blue < 0 < orange)'
                    }
                  />
                </div>
              );
            })}
          </div>
        </div>
      )}
      <h3>Why the belt: gradients that survive the distance</h3>
      <p>
        ‖∂loss/∂x<sub>t</sub>‖ for a loss on the last hidden state, against the number of steps
        between x<sub>t</sub> and the loss, for freshly initialised layers (hidden 32, log scale).
        Each step multiplies the gradient by roughly the same factor, so the lines are straight
        (Bengio et al. 1994). The plain RNN’s falls fastest; untrained LSTM and GRU fade too — their
        advantage is that training can open the forget (update) gate to keep it.
      </p>
      {norms ? (
        <LineChart
          title="Gradient norm against distance"
          xLabel="distance (steps)"
          yLabel="‖∂loss/∂xₜ‖"
          logY
          testId="gradient-chart"
          series={(['rnn', 'lstm', 'gru'] as const).map((name) => ({
            name: name.toUpperCase(),
            color: SERIES_COLORS[name],
            points: norms.distances.map((d, i) => [d, norms[name][i] ?? 0] as const),
          }))}
        />
      ) : (
        <p>Measuring gradients…</p>
      )}
      <BeltView engine={engine} />
    </section>
  );
}

/** The forget gate as measured on this sequence: its mean and the share of values above 0.9. */
function ForgetSummary({ forget }: { forget: number[][] }) {
  const values = forget.flat();
  if (values.length === 0) return null;
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const high = values.filter((v) => v > 0.9).length / values.length;
  return (
    <p class="note" data-testid="forget-summary" data-mean={mean} data-above={high}>
      On this sequence the forget gate averages {mean.toFixed(2)}, and {(100 * high).toFixed(0)}% of
      its values (units × steps) are above 0.9.
    </p>
  );
}
