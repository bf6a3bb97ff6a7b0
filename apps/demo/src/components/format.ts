/** `x.toFixed(digits)` without a minus sign on a number that rounds to zero (`-0.000` → `0.000`). */
export function fixed(x: number, digits: number): string {
  const text = x.toFixed(digits);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** A probability as a percentage a reader can compare: `99.9%`, `0.4%`, `2e-3%` below 0.1%. */
export function percentage(p: number): string {
  if (p > 0 && p < 0.001) return `${(100 * p).toExponential(0)}%`;
  return `${fixed(100 * p, 1)}%`;
}
