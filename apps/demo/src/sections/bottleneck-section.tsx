import { useState } from 'preact/hooks';
import { AttentionCompare } from '../components/attention-compare';
import { OKABE_ITO } from '../components/colors';
import { LineChart, type LineSeries } from '../components/line-chart';
import type { Engine } from '../engine/client';
import type { JobEvent } from '../engine/protocol';
import { describeStatus, useJob } from '../use-job';

interface Run {
  name: string;
  loss: Array<[number, number]>;
  exact: Array<[number, number]>;
  step: number;
  examples: Array<{ length: number; source: string; output: string }>;
}

/** Section 3: a Seq2Seq without attention copying sequences; exact match falls with length. */
export function BottleneckSection({ engine }: { engine: Engine }) {
  const [reverseSource, setReverseSource] = useState(false);
  const [steps, setSteps] = useState(600);
  const [runs, setRuns] = useState<Run[]>([]);

  const job = useJob(engine, (event: JobEvent) => {
    setRuns((all) => {
      const current = all.at(-1);
      if (!current) return all;
      const next = { ...current };
      if (event.kind === 'loss') next.loss = [...current.loss, [event.step, event.loss]];
      if (event.kind === 'exact-by-length') {
        next.exact = event.lengths.map((length, i) => [length, event.exactMatch[i] ?? 0]);
        next.examples = event.lengths.map((length, i) => ({ length, ...event.examples[i]! }));
        next.step = event.step;
      }
      return [...all.slice(0, -1), next];
    });
  });

  const start = (attention: boolean) => {
    const name = `${attention ? 'with' : 'without'} attention, ${reverseSource ? 'reversed source' : 'source in order'} (run ${runs.length + 1})`;
    setRuns((all) => [...all.slice(-3), { name, loss: [], exact: [], step: 0, examples: [] }]);
    job.start({ kind: 'bottleneck', reverseSource, attention, steps });
  };
  const shown = runs.filter((run) => run.examples.length > 0);

  const series = (pick: (run: Run) => Array<[number, number]>): LineSeries[] =>
    runs.map((run, i) => ({
      name: run.name,
      color: OKABE_ITO[i % OKABE_ITO.length]!,
      points: pick(run),
    }));
  return (
    <section id="bottleneck" aria-labelledby="bottleneck-title" data-testid="section-bottleneck">
      <h2 id="bottleneck-title">3. Seq2Seq — the bottleneck</h2>
      <h3>The same input, with and without attention</h3>
      <p>
        Two pretrained date models of the same recipe (a bidirectional GRU of 96): one decodes with
        attention, the other from the encoder’s final state alone — the whole date squeezed into one
        vector. Type a date; green characters are right, red wrong. On 400 held-out dates (seed 77)
        the model with attention gets every one right and the one without 383: its errors are dates
        like <code>2028/02/07</code> → <code>2028-07-22</code>, where it must recall which number
        came where.
      </p>
      <AttentionCompare engine={engine} />
      <h3>Train both: copying sequences of growing length</h3>
      <p>
        An encoder reads the whole input into one fixed-size vector (a GRU state of 64 numbers); the
        decoder must write the output from that vector alone. Train it to copy sequences of 3 to 14
        symbols and watch exact match fall as the input grows (Cho et al. 2014). Reversing the
        source puts the first words the decoder needs next to where it starts (Sutskever et al.
        2014): try both. Then train the same model with attention, which reads every input position
        at every step: its exact match stays up at every length.
      </p>
      <div class="controls">
        <input
          id="reverse-source"
          type="checkbox"
          checked={reverseSource}
          disabled={job.running}
          onChange={(e) => setReverseSource(e.currentTarget.checked)}
        />
        <label for="reverse-source">Reverse the source</label>
        <span class="field">
          <label for="bottleneck-steps">Steps</label>
          <input
            id="bottleneck-steps"
            type="number"
            min={50}
            max={5000}
            step={50}
            value={steps}
            disabled={job.running}
            onInput={(e) => {
              const value = Number(e.currentTarget.value);
              if (Number.isInteger(value) && value >= 1 && value <= 5000) setSteps(value);
            }}
          />
        </span>
        <button
          type="button"
          data-testid="bottleneck-train"
          disabled={job.running}
          onClick={() => start(false)}
        >
          Train without attention
        </button>
        <button
          type="button"
          data-testid="bottleneck-train-attention"
          disabled={job.running}
          onClick={() => start(true)}
        >
          Train with attention
        </button>
        <button type="button" disabled={!job.running} onClick={job.stop}>
          Stop
        </button>
      </div>
      <p aria-live="polite" data-testid="bottleneck-status">
        {describeStatus(job.status)}
      </p>
      <div class="grid-2">
        <LineChart
          title="Exact match against input length"
          xLabel="input length (symbols)"
          yLabel="exact match"
          yDomain={[0, 1]}
          testId="bottleneck-exact"
          series={series((run) => run.exact)}
        />
        <LineChart
          title="Training loss"
          xLabel="step"
          yLabel="cross-entropy"
          series={series((run) => run.loss)}
        />
      </div>
      {shown.length > 0 && (
        <div class="scroll-x">
          <table class="counts examples" data-testid="bottleneck-examples">
            <caption>One held-out copy per length, at each run's latest report</caption>
            <thead>
              <tr>
                <th scope="col">length</th>
                <th scope="col">input</th>
                {shown.map((run) => (
                  <th scope="col" key={run.name}>
                    {run.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown[0]!.examples.map((example, i) => (
                <tr key={example.length}>
                  <td>{example.length}</td>
                  <td>
                    <code>{example.source}</code>
                  </td>
                  {shown.map((run) => {
                    const copy = run.examples[i];
                    const right = copy?.output === example.source;
                    return (
                      <td key={run.name} class={right ? 'char-right' : 'char-wrong'}>
                        <code>{copy?.output || '(empty)'}</code> {right ? '✓' : '✗'}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="note">
        Exact match is measured on 16 held-out sequences per length every 50 steps. The bench’s{' '}
        <code>claims</code> suite runs the full experiment, with attention for comparison.
      </p>
    </section>
  );
}
