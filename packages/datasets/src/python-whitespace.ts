/**
 * Whitespace exactly as Python's `str.split()` and `str.rstrip()` see it (`str.isspace()`), so that
 * metrics defined by a Python reference implementation (sacreBLEU) split text the same way. It
 * differs from JavaScript's `\s`: it includes U+001C–U+001F and U+0085 (NEL) and leaves out U+FEFF.
 */
const WHITESPACE =
  '\\t\\n\\v\\f\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const RUNS = new RegExp(`[${WHITESPACE}]+`, 'u');
const TRAILING = new RegExp(`[${WHITESPACE}]+$`, 'u');

/** `text.split()` in Python: the non-empty runs between whitespace. */
export function splitOnWhitespace(text: string): string[] {
  return text.split(RUNS).filter((word) => word.length > 0);
}

/** `text.rstrip()` in Python. */
export function stripTrailingWhitespace(text: string): string {
  return text.replace(TRAILING, '');
}

/** `''.join(text.split())` in Python: the text with every whitespace character removed. */
export function removeWhitespace(text: string): string {
  return splitOnWhitespace(text).join('');
}
