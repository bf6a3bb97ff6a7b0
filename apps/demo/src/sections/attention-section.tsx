import type { Translation } from '@gated/models';
import { useEffect, useState } from 'preact/hooks';
import { SERIES_COLORS } from '../components/colors';
import { Heatmap } from '../components/heatmap';
import { LineChart } from '../components/line-chart';
import type { Engine } from '../engine/client';
import type { JobEvent, TranslatorName } from '../engine/protocol';
import { describeStatus, useJob } from '../use-job';

const MODELS: Array<{ name: TranslatorName; label: string; example: string }> = [
  { name: 'dates', label: 'Dates → ISO (pretrained)', example: 'June 5, 2026' },
  { name: 'g2p', label: 'English word → phonemes (pretrained)', example: 'attention' },
  { name: 'yours', label: 'Dates → ISO (trained in this page)', example: '5 June 2026' },
];

/** Section 4: a pretrained attention model answers as you type and shows where it looked. */
export function AttentionSection({ engine }: { engine: Engine }) {
  const [model, setModel] = useState<TranslatorName>('dates');
  const [text, setText] = useState(MODELS[0]!.example);
  const [answer, setAnswer] = useState<Translation | null>(null);
  const [error, setError] = useState('');
  const [trained, setTrained] = useState(0);
  const [loss, setLoss] = useState<Array<[number, number]>>([]);
  const [exact, setExact] = useState<Array<[number, number]>>([]);

  useEffect(() => {
    let current = true;
    if (text.trim() === '') {
      setAnswer(null);
      setError('');
      return;
    }
    const timer = setTimeout(() => {
      engine.request({ kind: 'translate', model, text }).result.then(
        (value) => {
          if (!current) return;
          setAnswer(value);
          setError('');
        },
        (e: Error) => {
          if (!current) return;
          setAnswer(null);
          setError(e.message);
        },
      );
    }, 60);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [engine, model, text, trained]);

  const job = useJob(engine, (event: JobEvent) => {
    if (event.kind === 'loss') setLoss((l) => [...l, [event.step, event.loss]]);
    if (event.kind === 'evaluation') setExact((e) => [...e, [event.step, event.exactMatch]]);
  });
  useEffect(() => {
    if (job.status.state === 'done') {
      setTrained((n) => n + 1);
      setModel('yours');
    }
  }, [job.status]);

  const outputLabels = answer ? [...answer.outputTokens, '</s>'] : [];
  return (
    <section id="attention" aria-labelledby="attention-title" data-testid="section-attention">
      <h2 id="attention-title">4. Attention</h2>
      <p>
        With attention (Bahdanau et al. 2014) the decoder looks back at every input position at
        every step. Type a date in any of 24 formats — or pick the pronunciation model and type an
        English word. Each row of the heatmap is one output token, each column an input character:
        darker means more attention.
      </p>
      <div class="controls">
        <label for="attention-model">Model</label>
        <select
          id="attention-model"
          value={model}
          onChange={(e) => {
            const next = e.currentTarget.value as TranslatorName;
            setModel(next);
            setText(MODELS.find((m) => m.name === next)?.example ?? '');
          }}
        >
          {MODELS.map((m) => (
            <option key={m.name} value={m.name} disabled={m.name === 'yours' && trained === 0}>
              {m.label}
            </option>
          ))}
        </select>
        <label for="attention-input">Input</label>
        <input
          id="attention-input"
          data-testid="attention-input"
          value={text}
          size={32}
          maxLength={60}
          spellcheck={false}
          autocomplete="off"
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </div>
      <p aria-live="polite">
        Output:{' '}
        <output data-testid="attention-output" for="attention-input">
          {answer?.output ?? ''}
        </output>
        {answer && <span class="note"> ({answer.milliseconds.toFixed(1)} ms)</span>}
      </p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {answer && answer.attention.length > 0 && (
        <Heatmap
          title={`Attention of each output token over the input “${text}”`}
          columns={answer.sourceTokens}
          rows={outputLabels}
          values={answer.attention}
          domain={[0, 1]}
          cellSize={24}
          testId="attention-heatmap"
        />
      )}
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
    </section>
  );
}
