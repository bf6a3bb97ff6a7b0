/**
 * A token as an axis label: whitespace made visible (a space is `␣`), control characters
 * removed. Everything else is kept as typed; renderers escape it (SVG) or it never reaches a
 * terminal as an escape sequence.
 */
export function displayLabel(token: string): string {
  if (token === ' ') return '␣';
  if (token === '\t') return '⇥';
  if (token === '\n') return '⏎';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return token.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

/** A Vega expression that maps an ordinal index to its label: `["a","b"][datum.value]`. */
export function labelExpression(labels: readonly string[]): string {
  return `${JSON.stringify(labels.map(displayLabel))}[datum.value]`;
}
