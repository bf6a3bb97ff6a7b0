import { useState } from 'preact/hooks';
import type { Engine } from '../engine/client';
import type { BeltResult, JobEvent } from '../engine/protocol';
import { describeStatus, useJob } from '../use-job';
import { SERIES_COLORS } from './colors';
import { Heatmap } from './heatmap';
import { LineChart } from './line-chart';
import { NumberField } from './number-field';

const KINDS = ['rnn', 'lstm', 'gru'] as const;
/** Where, measured, the RNN and the GRU both learn but carry very different gradients. */
const DEFAULTS = { distance: 15, steps: 1000 };
const percent = (x: number) => `${(100 * x).toFixed(0)}%`;

/** Units × steps from a `[T][H]` trace. */
const unitsBySteps = (perStep: number[][]) =>
  Array.from({ length: perStep[0]?.length ?? 0 }, (_, u) => perStep.map((step) => step[u] ?? 0));

/**
 * Trained against untrained: the loss gradient reaching each input, for RNN, LSTM and GRU trained
 * on recall in the page, and the trained gates that carry it (the LSTM's forget gate, the GRU's
 * reset and update gates).
 */
export function BeltView({ engine }: { engine: Engine }) {
  const [distance, setDistance] = useState(DEFAULTS.distance);
  const [steps, setSteps] = useState(DEFAULTS.steps);
  const [invalid, setInvalid] = useState<Record<string, boolean>>({});
  const [loss, setLoss] = useState<Record<(typeof KINDS)[number], Array<[number, number]>>>({
    rnn: [],
    lstm: [],
    gru: [],
  });
  const [result, setResult] = useState<BeltResult | null>(null);
  const job = useJob(engine, (event: JobEvent) => {
    if (event.kind === 'belt-step')
      setLoss((l) => ({
        rnn: [...l.rnn, [event.step, event.loss.rnn]],
        lstm: [...l.lstm, [event.step, event.loss.lstm]],
        gru: [...l.gru, [event.step, event.loss.gru]],
      }));
    if (event.kind === 'belt-result') setResult(event.result);
  });
  const validity = (id: string) => (ok: boolean) => setInvalid((v) => ({ ...v, [id]: !ok }));
  const farthest = result ? result.distances.length - 1 : 0;
  return (
    <div data-testid="belt">
      <h3>Trained, the gated cells keep the gradient</h3>
      <p>
        Train all three on recall at one distance (same data, seeds and Adam), then measure
        ‖∂loss/∂x<sub>t</sub>‖ of the classification loss again: dashed before training, solid
        after. Measured here (hidden 32): at distance 15 after 1,000 steps the RNN and the GRU both
        solve the task, yet the gradient reaching the key is 2e-6 of the gradient at the question
        for the RNN and 0.3 for the GRU, whose update gate holds the key; this LSTM (PyTorch’s
        initialisation, forget bias 0) has not learned yet. At distance 10 all three learn in 600
        steps; at 20 none within 1,000: gating makes long memory learnable, not free. (Here, as in
        PyTorch, the GRU keeps its old state where the update gate z is near 1: h<sub>t</sub> = (1 −
        z) n<sub>t</sub> + z h<sub>t−1</sub>.)
      </p>
      <div class="controls">
        <NumberField
          id="belt-distance"
          label="Distance"
          value={distance}
          min={2}
          max={60}
          disabled={job.running}
          onChange={setDistance}
          onValidity={validity('distance')}
        />
        <NumberField
          id="belt-steps"
          label="Steps"
          value={steps}
          min={1}
          max={5000}
          disabled={job.running}
          onChange={setSteps}
          onValidity={validity('steps')}
        />
        <button
          type="button"
          data-testid="belt-train"
          disabled={job.running || Object.values(invalid).some(Boolean)}
          onClick={() => {
            setLoss({ rnn: [], lstm: [], gru: [] });
            setResult(null);
            job.start({ kind: 'belt', distance, steps });
          }}
        >
          Train RNN, LSTM and GRU
        </button>
        <button type="button" disabled={!job.running} onClick={job.stop}>
          Stop
        </button>
      </div>
      <p aria-live="polite" data-testid="belt-status">
        {describeStatus(job.status)}
      </p>
      <div class="grid-2">
        <LineChart
          title="Training loss on recall"
          xLabel="step"
          yLabel="cross-entropy"
          testId="belt-loss"
          reference={{ y: Math.log(4), label: 'chance (ln 4)' }}
          series={KINDS.map((k) => ({
            name: k.toUpperCase(),
            color: SERIES_COLORS[k],
            points: loss[k],
          }))}
        />
        {result && (
          <LineChart
            title="Loss gradient against distance, before and after training"
            xLabel="distance from the question (steps)"
            yLabel="‖∂loss/∂xₜ‖"
            logY
            testId="belt-gradients"
            series={KINDS.flatMap((k) => [
              {
                name: `${k.toUpperCase()} trained`,
                color: SERIES_COLORS[k],
                points: result.distances.map((d, i) => [d, result.trained[k][i] ?? 0] as const),
              },
              {
                name: `${k.toUpperCase()} untrained`,
                color: SERIES_COLORS[k],
                dashed: true,
                points: result.distances.map((d, i) => [d, result.untrained[k][i] ?? 0] as const),
              },
            ])}
          />
        )}
      </div>
      {result && (
        <>
          <table class="counts" data-testid="belt-summary">
            <caption>
              Gradient at the key (distance {farthest}) over the gradient at the question, and
              accuracy, after {result.steps} steps
            </caption>
            <tbody>
              {KINDS.map((k) => (
                <tr key={k} data-kind={k}>
                  <th scope="row">{k.toUpperCase()}</th>
                  <td data-value={result.untrained[k][farthest]! / result.untrained[k][0]!}>
                    untrained{' '}
                    {(result.untrained[k][farthest]! / result.untrained[k][0]!).toExponential(1)}
                  </td>
                  <td data-value={result.trained[k][farthest]! / result.trained[k][0]!}>
                    trained{' '}
                    {(result.trained[k][farthest]! / result.trained[k][0]!).toExponential(1)}
                  </td>
                  <td data-testid={`belt-accuracy-${k}`} data-value={result.accuracy[k]}>
                    {percent(result.accuracy[k])} held-out accuracy
                    {result.accuracy[k] < 0.4 ? ' (not learned: chance is 25%)' : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p data-testid="belt-gates-summary">
            On one held-out sequence, the trained LSTM’s forget gate averages{' '}
            {result.forgetMean.toFixed(2)} ({percent(result.forgetAbove09)} of unit-steps above
            0.9); the trained GRU’s update gate averages {result.updateMean.toFixed(2)} (
            {percent(result.updateAbove09)} above 0.9).
          </p>
          <div class="grid-2">
            {(
              [
                ['forget', 'LSTM forget gate f (1 = keep the belt)'],
                ['update', 'GRU update gate z (1 = keep the old state)'],
                ['reset', 'GRU reset gate r (0 = ignore the old state in the candidate)'],
              ] as const
            ).map(([gate, title]) => (
              <div key={gate}>
                <h4>{title}</h4>
                <Heatmap
                  title={`Trained ${title}, units × steps`}
                  columns={result.tokens}
                  rows={Array.from(
                    { length: result.gates[gate][0]?.length ?? 0 },
                    (_, i) => `${i}`,
                  )}
                  values={unitsBySteps(result.gates[gate])}
                  domain={[0, 1]}
                  cellSize={14}
                  testId={`belt-gate-${gate}`}
                  legend="gate value (0 = closed, 1 = open)"
                />
              </div>
            ))}
          </div>
        </>
      )}
    </div>
  );
}
