import { useEffect, useState } from 'preact/hooks';
import { SERIES_COLORS } from '../components/colors';
import { LineChart } from '../components/line-chart';
import type { Engine } from '../engine/client';
import type { JobEvent } from '../engine/protocol';
import { describeStatus, useJob } from '../use-job';

/**
 * A small date model trained from scratch in the worker; `onTrained` is called when the job ends
 * (finished or stopped), when the model named `yours` can answer.
 */
export function TrainYourOwn({ engine, onTrained }: { engine: Engine; onTrained: () => void }) {
  const [loss, setLoss] = useState<Array<[number, number]>>([]);
  const [exact, setExact] = useState<Array<[number, number]>>([]);
  const job = useJob(engine, (event: JobEvent) => {
    if (event.kind === 'loss') setLoss((l) => [...l, [event.step, event.loss]]);
    if (event.kind === 'evaluation') setExact((e) => [...e, [event.step, event.exactMatch]]);
  });
  useEffect(() => {
    if (job.status.state === 'done') onTrained();
  }, [job.status, onTrained]);
  return (
    <>
      <h3>Train your own</h3>
      <p>
        A smaller date model (GRU 48, Bahdanau attention) trained from scratch in the worker. It
        answers above when training finishes or you stop it.
      </p>
      <div class="controls">
        <button
          type="button"
          data-testid="attention-train"
          disabled={job.running}
          onClick={() => {
            setLoss([]);
            setExact([]);
            job.start({ kind: 'dates', steps: 400 });
          }}
        >
          Train a date model
        </button>
        <button
          type="button"
          data-testid="attention-stop"
          disabled={!job.running}
          onClick={job.stop}
        >
          Stop
        </button>
      </div>
      <p aria-live="polite" data-testid="attention-status">
        {describeStatus(job.status)}
      </p>
      <div class="grid-2">
        <LineChart
          title="Training loss of your date model"
          xLabel="step"
          yLabel="cross-entropy"
          testId="attention-loss"
          series={[{ name: 'loss', color: SERIES_COLORS.lstm, points: loss }]}
        />
        <LineChart
          title="Exact match of your date model on 64 held-out dates"
          xLabel="step"
          yLabel="exact match"
          yDomain={[0, 1]}
          series={[{ name: 'exact match', color: SERIES_COLORS.gru, points: exact }]}
        />
      </div>
    </>
  );
}
