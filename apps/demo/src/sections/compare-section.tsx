import { useEffect, useState } from 'preact/hooks';
import { SERIES_COLORS } from '../components/colors';
import { LineChart } from '../components/line-chart';
import { NumberField } from '../components/number-field';
import type { Engine } from '../engine/client';
import type { JobEvent, ParameterCounts } from '../engine/protocol';
import { describeStatus, useJob } from '../use-job';

interface Curves {
  lstm: Array<[number, number]>;
  gru: Array<[number, number]>;
  milliseconds: { lstm: number[]; gru: number[] };
  accuracy: { lstm: Array<[number, number]>; gru: Array<[number, number]> };
}

const empty = (): Curves => ({
  lstm: [],
  gru: [],
  milliseconds: { lstm: [], gru: [] },
  accuracy: { lstm: [], gru: [] },
});

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Section 2: parameter counts from real layers, and GRU vs LSTM trained side by side. */
export function CompareSection({ engine }: { engine: Engine }) {
  const [inputSize, setInputSize] = useState(16);
  const [hiddenSize, setHiddenSize] = useState(32);
  const [distance, setDistance] = useState(10);
  const [steps, setSteps] = useState(400);
  const [counts, setCounts] = useState<ParameterCounts | null>(null);
  const [invalid, setInvalid] = useState<Record<string, boolean>>({});
  const validity = (id: string) => (ok: boolean) => setInvalid((v) => ({ ...v, [id]: !ok }));
  const anyInvalid = Object.values(invalid).some(Boolean);
  const [curves, setCurves] = useState<Curves>(empty);

  useEffect(() => {
    let current = true;
    engine.request({ kind: 'count-parameters', inputSize, hiddenSize }).result.then(
      (value) => current && setCounts(value),
      () => current && setCounts(null),
    );
    return () => {
      current = false;
    };
  }, [engine, inputSize, hiddenSize]);

  const job = useJob(engine, (event: JobEvent) => {
    if (event.kind === 'compare')
      setCurves((c) => ({
        ...c,
        lstm: [...c.lstm, [event.step, event.lstm.loss]],
        gru: [...c.gru, [event.step, event.gru.loss]],
        milliseconds: {
          lstm: [...c.milliseconds.lstm, event.lstm.milliseconds],
          gru: [...c.milliseconds.gru, event.gru.milliseconds],
        },
      }));
    if (event.kind === 'compare-accuracy')
      setCurves((c) => ({
        ...c,
        accuracy: {
          lstm: [...c.accuracy.lstm, [event.step, event.lstm]],
          gru: [...c.accuracy.gru, [event.step, event.gru]],
        },
      }));
  });

  const lastAccuracy = (cell: 'lstm' | 'gru') => curves.accuracy[cell].at(-1)?.[1];
  return (
    <section id="compare" aria-labelledby="compare-title" data-testid="section-compare">
      <h2 id="compare-title">2. GRU vs LSTM</h2>
      <p>
        An LSTM has four gate blocks, a GRU three: at the same sizes the GRU has ¾ of the
        parameters. The counts below come from real layers of <code>@gated/cells</code> (the same as
        PyTorch’s <code>nn.LSTM</code> and <code>nn.GRU</code>).
      </p>
      <div class="controls">
        <NumberField
          id="input-size"
          disabled={job.running}
          onValidity={validity('input-size')}
          label="Input size"
          value={inputSize}
          min={1}
          max={512}
          onChange={setInputSize}
        />
        <NumberField
          id="hidden-size"
          disabled={job.running}
          onValidity={validity('hidden-size')}
          label="Hidden size"
          value={hiddenSize}
          min={1}
          max={512}
          onChange={setHiddenSize}
        />
      </div>
      {counts && (
        <table class="counts" data-testid="parameter-counts">
          <caption>
            Parameters of one layer, {inputSize} → {hiddenSize}
          </caption>
          <tbody>
            <tr>
              <th scope="row">LSTM</th>
              <td data-testid="count-lstm">{counts.lstm.toLocaleString('en-US')}</td>
              <td>
                4 × ({hiddenSize}·{inputSize} + {hiddenSize}·{hiddenSize} + 2·{hiddenSize})
              </td>
            </tr>
            <tr>
              <th scope="row">GRU</th>
              <td data-testid="count-gru">{counts.gru.toLocaleString('en-US')}</td>
              <td>3 × (…), {((100 * counts.gru) / counts.lstm).toFixed(0)}% of the LSTM</td>
            </tr>
            <tr>
              <th scope="row">RNN</th>
              <td>{counts.rnn.toLocaleString('en-US')}</td>
              <td>1 × (…)</td>
            </tr>
          </tbody>
        </table>
      )}
      <h3>Train both on long-range recall</h3>
      <p>
        Same data, same seeds, same Adam (learning rate 0.003), one step of each in turn: which
        learns to carry the key across the distance first, and what does each step cost? The
        embedding is the input size above, the hidden size the recurrent width. (At distance 10 the
        GRU usually gets there first; at 20 both need many more steps.)
      </p>
      <div class="controls">
        <NumberField
          id="compare-distance"
          disabled={job.running}
          onValidity={validity('compare-distance')}
          label="Distance"
          value={distance}
          min={1}
          max={200}
          onChange={setDistance}
        />
        <NumberField
          id="compare-steps"
          disabled={job.running}
          onValidity={validity('compare-steps')}
          label="Steps"
          value={steps}
          min={1}
          max={5000}
          onChange={setSteps}
        />
        <button
          type="button"
          data-testid="compare-train"
          disabled={job.running || anyInvalid}
          onClick={() => {
            setCurves(empty());
            job.start({ kind: 'compare', inputSize, hiddenSize, distance, steps });
          }}
        >
          Train both
        </button>
        <button type="button" data-testid="compare-stop" disabled={!job.running} onClick={job.stop}>
          Stop
        </button>
      </div>
      <p aria-live="polite" data-testid="compare-status">
        {describeStatus(job.status)}
      </p>
      <div class="grid-2">
        <LineChart
          title="Training loss, LSTM and GRU"
          xLabel="step"
          yLabel="cross-entropy"
          testId="compare-loss"
          series={[
            { name: 'LSTM', color: SERIES_COLORS.lstm, points: curves.lstm },
            { name: 'GRU', color: SERIES_COLORS.gru, points: curves.gru },
          ]}
        />
        <LineChart
          title="Held-out accuracy, LSTM and GRU"
          xLabel="step"
          yLabel="accuracy"
          yDomain={[0, 1]}
          testId="compare-accuracy"
          reference={{ y: 0.25, label: 'chance (1 of 4 keys)' }}
          series={[
            { name: 'LSTM', color: SERIES_COLORS.lstm, points: curves.accuracy.lstm },
            { name: 'GRU', color: SERIES_COLORS.gru, points: curves.accuracy.gru },
          ]}
        />
      </div>
      {curves.lstm.length > 0 && (
        <table class="counts" data-testid="compare-timing">
          <caption>Median milliseconds per training step (batch 32) and latest accuracy</caption>
          <tbody>
            {(['lstm', 'gru'] as const).map((cell) => (
              <tr key={cell}>
                <th scope="row">{cell.toUpperCase()}</th>
                <td>{median(curves.milliseconds[cell]).toFixed(1)} ms/step</td>
                <td>
                  {lastAccuracy(cell) === undefined
                    ? '—'
                    : `${(100 * lastAccuracy(cell)!).toFixed(0)}% correct`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
