import { useEffect, useState } from 'preact/hooks';
import type { Engine } from '../engine/client';
import type { BriefAnswer } from '../engine/explain';

type Comparison = { reference?: string; with: BriefAnswer; without: BriefAnswer };

/** One model's answer, each character marked right or wrong against the reference. */
function Answer(props: { title: string; answer: BriefAnswer; testId: string }) {
  const { answer } = props;
  return (
    <div class="compare-answer">
      <h4>{props.title}</h4>
      <output data-testid={props.testId} data-output={answer.output}>
        {[...answer.output].map((c, i) => {
          const right = answer.correct?.[i];
          return (
            <span
              key={i}
              class={right === undefined ? '' : right ? 'char-right' : 'char-wrong'}
              title={right === undefined ? undefined : right ? 'right' : 'wrong'}
            >
              {c}
            </span>
          );
        })}
      </output>
      <p class="note">
        confidence{' '}
        <strong data-testid={`${props.testId}-confidence`}>
          {(100 * answer.confidence).toFixed(1)}%
        </strong>
        {answer.correct &&
          `, ${answer.correct.filter(Boolean).length} of ${answer.output.length} characters right`}
        {!answer.valid && ', not a real date'}
      </p>
    </div>
  );
}

/**
 * The bottleneck on the same input: the shipped dates model with attention and its twin without
 * (the same recipe, the decoder seeing only the encoder's final state), side by side.
 */
export function AttentionCompare({ engine }: { engine: Engine }) {
  const [text, setText] = useState('2028/02/07');
  const [result, setResult] = useState<Comparison | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let current = true;
    if (text.trim() === '') {
      setResult(null);
      setError('');
      return;
    }
    const timer = setTimeout(() => {
      engine.request({ kind: 'compare-attention', text }).result.then(
        (value) => {
          if (!current) return;
          setResult(value);
          setError('');
        },
        (e: Error) => {
          if (!current) return;
          setResult(null);
          setError(e.message);
        },
      );
    }, 80);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [engine, text]);
  return (
    <div data-testid="attention-compare">
      <div class="controls">
        <label for="compare-date">Date</label>
        <input
          id="compare-date"
          data-testid="compare-date"
          value={text}
          size={28}
          spellcheck={false}
          autocomplete="off"
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </div>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {result && (
        <>
          <div class="grid-2 compare-pair">
            <Answer title="With attention" answer={result.with} testId="attention-compare-with" />
            <Answer
              title="Without attention (one fixed vector)"
              answer={result.without}
              testId="attention-compare-without"
            />
          </div>
          <p class="note" data-testid="attention-compare-reference">
            {result.reference
              ? `The input is ${result.reference} written in one of the 24 formats: green characters match it, red ones do not.`
              : 'The input is not a date in one of the 24 formats, so there is no right answer to mark.'}
          </p>
        </>
      )}
    </div>
  );
}
