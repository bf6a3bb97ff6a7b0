import { useState } from 'preact/hooks';

export interface NumberFieldProps {
  id: string;
  label: string;
  value: number;
  min: number;
  max: number;
  onChange: (value: number) => void;
  /** Told whether what is typed is usable, on every keystroke. */
  onValidity?: (ok: boolean) => void;
  /** Locked, e.g. while a job trains with this value. */
  disabled?: boolean;
}

/**
 * A whole-number input that never ignores what is typed: a value outside [min, max] (or not a
 * whole number) is named beside the field, and the last good value stays in use.
 */
export function NumberField(props: NumberFieldProps) {
  const [text, setText] = useState(String(props.value));
  const number = Number(text);
  const ok =
    text.trim() !== '' && Number.isInteger(number) && number >= props.min && number <= props.max;
  return (
    <span class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        data-testid={props.id}
        type="number"
        min={props.min}
        max={props.max}
        value={text}
        disabled={props.disabled}
        aria-invalid={!ok}
        aria-describedby={ok ? undefined : `${props.id}-error`}
        onInput={(e) => {
          const typed = e.currentTarget.value;
          setText(typed);
          const value = Number(typed);
          const good =
            typed.trim() !== '' &&
            Number.isInteger(value) &&
            value >= props.min &&
            value <= props.max;
          props.onValidity?.(good);
          if (good) props.onChange(value);
        }}
      />
      {!ok && (
        <span id={`${props.id}-error`} role="alert" class="error" data-testid={`${props.id}-error`}>
          {props.label} must be a whole number from {props.min} to {props.max}
          {text.trim() === '' ? '' : `, got ${text}`}; still using {props.value}.
        </span>
      )}
    </span>
  );
}
