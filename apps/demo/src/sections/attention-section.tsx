import { displayLabel } from '@gated/viz';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { AttentionStep } from '../components/attention-step';
import { BeamTree, NBestList } from '../components/beam-tree';
import { Heatmap } from '../components/heatmap';
import type { Engine } from '../engine/client';
import { dateFormatExamples, TRAINED_YEARS } from '../engine/date-checks';
import type { Explanation } from '../engine/explanation';
import type { TranslatorName } from '../engine/protocol';
import { TrainYourOwn } from './train-your-own';

type Choice = Exclude<TranslatorName, 'dates-plain'>;

const MODELS: Array<{ name: Choice; label: string; example: string }> = [
  { name: 'dates', label: 'Dates → ISO (pretrained)', example: 'June 5, 2026' },
  {
    name: 'g2p',
    label: 'English word → phonemes (pretrained)',
    example: 'attention',
  },
  {
    name: 'yours',
    label: 'Dates → ISO (trained in this page)',
    example: '5 June 2026',
  },
];

/** A beam size typed in the box: an integer from 1 to 8, or why not. */
function parseBeamSize(typed: string): number | string {
  const n = Number(typed);
  return Number.isInteger(n) && n >= 1 && n <= 8
    ? n
    : `Beam size must be a whole number from 1 to 8, got “${typed}”.`;
}

/**
 * Section 4: a pretrained attention model answers as you type; step through its decoder (scores,
 * weights, context, next-token candidates), watch beam search, and ask "what if".
 */
export function AttentionSection({ engine }: { engine: Engine }) {
  const [model, setModel] = useState<Choice>('dates');
  const [text, setText] = useState(MODELS[0]!.example);
  const [prefix, setPrefix] = useState<number[]>([]);
  const [step, setStep] = useState(0);
  const [beamText, setBeamText] = useState('3');
  const [answer, setAnswer] = useState<Explanation | null>(null);
  const [error, setError] = useState('');
  const [trained, setTrained] = useState(0);
  const beamSize = parseBeamSize(beamText);

  useEffect(() => {
    let current = true;
    if (text.trim() === '') {
      setAnswer(null);
      setError('');
      return;
    }
    if (typeof beamSize === 'string') {
      setError(beamSize);
      return;
    }
    const timer = setTimeout(() => {
      engine.request({ kind: 'explain', model, text, prefix, beamSize }).result.then(
        (value) => {
          if (!current) return;
          setAnswer(value);
          setError('');
          setStep((s) => Math.min(s, value.steps.length - 1));
        },
        (e: Error) => {
          if (!current) return;
          // A refused input clears the old answer: nothing stale stays under the message.
          setAnswer(null);
          setError(e.message);
        },
      );
    }, 60);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [engine, model, text, prefix, beamSize, trained]);

  const onTrained = useCallback(() => {
    setTrained((n) => n + 1);
    setModel('yours');
  }, []);

  const typeText = (next: string) => {
    setText(next);
    setPrefix([]);
    setStep(0);
  };
  const force = (at: number, id: number) => {
    if (!answer) return;
    setPrefix([...answer.steps.slice(0, at).map((s) => s.id), id]);
    setStep(at);
  };
  const isDates = model !== 'g2p';
  return (
    <section id="attention" aria-labelledby="attention-title" data-testid="section-attention">
      <h2 id="attention-title">4. Attention</h2>
      <p>
        With attention (Bahdanau et al. 2014) the decoder looks back at every input position at
        every step: c_i = Σ_j α_ij h_j, with α_ij = softmax(score(s_{'{'}i−1{'}'}, h_j)). Type a
        date in one of the 24 formats below — or pick the pronunciation model and type an English
        word. Each row of the heatmap is one output token, each column an input character: darker
        means more attention.
      </p>
      <div class="controls">
        <label for="attention-model">Model</label>
        <select
          id="attention-model"
          value={model}
          onChange={(e) => {
            const next = e.currentTarget.value as Choice;
            const untouched = MODELS.some((m) => m.example === text);
            setModel(next);
            // The typed input stays; only an untouched example is swapped for the new model's.
            if (untouched || text.trim() === '')
              typeText(MODELS.find((m) => m.name === next)?.example ?? '');
            else typeText(text);
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
          size={28}
          spellcheck={false}
          autocomplete="off"
          onInput={(e) => typeText(e.currentTarget.value)}
        />
      </div>
      {isDates ? (
        <details data-testid="date-formats">
          <summary>
            The 24 formats the date models read, for years {TRAINED_YEARS.first}–
            {TRAINED_YEARS.last}
          </summary>
          <p class="note">
            Slashes put the month first (US), dots and dashes the day first; two-digit years mean{' '}
            {TRAINED_YEARS.first}–{TRAINED_YEARS.last}. Anything else is outside what the models
            were trained on, and the page says so.
          </p>
          <ul class="formats">
            {dateFormatExamples().map((f) => (
              <li key={f.name}>
                <code>{f.example}</code> <span class="note">{f.name}</span>
              </li>
            ))}
          </ul>
        </details>
      ) : (
        <p class="note">
          Words are read as the dictionary has them: lower case, without surrounding punctuation.
        </p>
      )}
      <div aria-live="polite" data-testid="attention-answer">
        <p>
          Output:{' '}
          <output data-testid="attention-output" for="attention-input">
            {answer?.output ?? ''}
          </output>
          {answer && (
            <>
              {' '}
              <span class="confidence">
                confidence{' '}
                <strong data-testid="answer-confidence">
                  {(100 * answer.confidence).toFixed(1)}%
                </strong>
              </span>
              {answer.valid === false && (
                <strong class="error" data-testid="answer-invalid">
                  {' '}
                  invalid date
                </strong>
              )}
              <span class="note"> ({answer.milliseconds.toFixed(0)} ms with the beam search)</span>
            </>
          )}
        </p>
        {answer && answer.changes.length > 0 && (
          <p class="note" data-testid="answer-read">
            Read as <code>{answer.read}</code>: {answer.changes.join('; ')}.
          </p>
        )}
        {answer && answer.warnings.length > 0 && (
          <ul class="warnings" data-testid="answer-warnings">
            {answer.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        )}
      </div>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {answer && (
        <>
          <div data-testid="what-if-view">
            <h3>What if? Click an output token</h3>
            <p class="note">
              Pick a step, then force one of its other candidates below: the decoder continues from
              your choice, and the heatmap, steps and confidence follow.
            </p>
            <ol class="output-tokens" data-testid="attention-output-tokens">
              {answer.steps.map((s, i) => (
                <li key={i}>
                  <button
                    type="button"
                    class={`token${i === step ? ' current' : ''}${s.forced ? ' forced' : ''}`}
                    data-testid="output-token"
                    data-forced={s.forced}
                    aria-pressed={i === step}
                    onClick={() => setStep(i)}
                  >
                    {displayLabel(s.token)}
                  </button>
                </li>
              ))}
            </ol>
            {prefix.length > 0 && (
              <button
                type="button"
                data-testid="attention-whatif-reset"
                onClick={() => typeText(text)}
              >
                Back to the model’s own answer
              </button>
            )}
            {answer.steps[0]?.weights && (
              <Heatmap
                title={`Attention of each output token over the input “${answer.read}”`}
                columns={answer.sourceTokens}
                rows={answer.steps.map((s) => s.token)}
                values={answer.steps.map((s) => s.weights ?? [])}
                domain={[0, 1]}
                cellSize={24}
                testId="attention-heatmap"
                legend="attention weight α (row i, column j)"
                highlightRow={step}
              />
            )}
          </div>
          <h3>Step through the decoder</h3>
          <AttentionStep
            explanation={answer}
            step={Math.min(step, answer.steps.length - 1)}
            onStep={setStep}
            onForce={force}
            attentionKind={answer.attention}
          />
          <div data-testid="beam-view">
            <h3>Beam search</h3>
            <p>
              Greedy decoding keeps one hypothesis; beam search keeps the best few at every length
              and finishes with the best length-normalised score log P / ((5 + |y|) / 6) (Wu et al.
              2016). Blue: kept; green square: finished with &lt;/s&gt;; grey: the best of the
              pruned. The number under each token is its normalised score.
            </p>
            <div class="controls">
              <label for="beam-size">Beam size (1–8)</label>
              <input
                id="beam-size"
                data-testid="beam-size"
                type="number"
                min={1}
                max={8}
                value={beamText}
                onInput={(e) => setBeamText(e.currentTarget.value)}
              />
            </div>
            <BeamTree beam={answer.beam} />
            <h4>n-best list</h4>
            <NBestList beam={answer.beam} />
          </div>
        </>
      )}
      <TrainYourOwn engine={engine} onTrained={onTrained} />
    </section>
  );
}
