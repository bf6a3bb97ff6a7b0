import { randomInt } from '../random';
import { checkTaskOptions, generate, type TaskOptions } from './task-options';

/** One sequence of the adding problem, as typed arrays. */
export interface AddingExample {
  /** First components, uniform in [-1, 1] `[length]`. */
  values: Float32Array;
  /** Second components: 1 on the two marked pairs, -1 on the first and last, else 0 `[length]`. */
  markers: Float32Array;
  /** 0.5 + (X1 + X2) / 4, in [0, 1]. */
  target: number;
}

/**
 * The adding problem, Hochreiter & Schmidhuber 1997, §5.4 (experiment 4): pairs (value, marker);
 * X1 is one of the first ten pairs, X2 one of the first T/2 − 1 still unmarked pairs (T =
 * `minLength`), and the answer, given only at the end, is 0.5 + (X1 + X2)/4. If the first pair is
 * marked, X1 is 0. Length = pairs in the sequence; the paper draws it from [T, T + T/10], the
 * default `maxLength`.
 */
export function addingProblem(
  options: Omit<TaskOptions, 'maxLength'> & { maxLength?: number },
): AddingExample[] {
  const resolved = {
    ...options,
    maxLength: options.maxLength ?? options.minLength + Math.floor(options.minLength / 10),
  };
  checkTaskOptions('addingProblem', resolved, 10);
  const T = resolved.minLength;
  return generate(resolved, (random, length) => {
    const values = Float32Array.from({ length }, () => random() * 2 - 1);
    const markers = new Float32Array(length);
    markers[0] = -1;
    markers[length - 1] = -1;
    const first = randomInt(random, 0, 9);
    let second = randomInt(random, 0, Math.floor(T / 2) - 2);
    if (second >= first) second += 1; // one of the first T/2 − 1 pairs other than `first`
    markers[first] = 1;
    markers[second] = 1;
    if (first === 0 || second === 0) values[0] = 0; // the first pair marked: its value counts as 0
    return { values, markers, target: 0.5 + (values[first]! + values[second]!) / 4 };
  });
}

/** The paper's criterion: a prediction is correct when its absolute error is below 0.04. */
export function addingProblemCorrect(prediction: number, target: number): boolean {
  return Math.abs(prediction - target) < 0.04;
}
