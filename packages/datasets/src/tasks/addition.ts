import { randomInt } from '../random';
import { checkTaskOptions, generate, type TaskOptions, type TextExample } from './task-options';

/**
 * Addition as text: `"123+45"` → `"168"`, one token per character. Length = digits of each
 * operand (drawn separately, between minLength and maxLength); no leading zeros.
 */
export function additionTask(options: TaskOptions): TextExample[] {
  checkTaskOptions('additionTask', options);
  if (options.maxLength > 15)
    throw new Error(
      `additionTask: maxLength must be ≤ 15 digits (exact in floating point), got ${options.maxLength}`,
    );
  return generate(options, (random, length) => {
    const number = (digits: number) =>
      digits === 1
        ? randomInt(random, 0, 9)
        : randomInt(random, 10 ** (digits - 1), 10 ** digits - 1);
    const a = number(length);
    const b = number(randomInt(random, options.minLength, options.maxLength));
    return { source: Array.from(`${a}+${b}`), target: Array.from(String(a + b)) };
  });
}
