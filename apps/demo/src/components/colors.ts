import { BLUES_RAMP, OKABE_ITO, rampColor } from '@gated/viz';

/** Blue → light grey → orange, for signed values (colour-blind safe, read by hue and lightness). */
const DIVERGING_RAMP: ReadonlyArray<readonly [number, number, number]> = [
  [33, 102, 172],
  [146, 197, 222],
  [247, 247, 247],
  [244, 165, 130],
  [230, 97, 1],
];

export type Palette = 'sequential' | 'diverging';

/** CSS colour of `value` on a palette over [min, max]. */
export function colorOf(value: number, min: number, max: number, palette: Palette): string {
  const t = max === min ? 0.5 : (value - min) / (max - min);
  const [r, g, b] = rampColor(t, palette === 'diverging' ? DIVERGING_RAMP : BLUES_RAMP);
  return `rgb(${r} ${g} ${b})`;
}

/** Text colour readable on top of a cell colour. */
export function inkOn(value: number, min: number, max: number, palette: Palette): string {
  const t = max === min ? 0.5 : (value - min) / (max - min);
  const dark = palette === 'diverging' ? Math.abs(t - 0.5) > 0.35 : t > 0.6;
  return dark ? '#fff' : '#111';
}

/** Series colours (Okabe–Ito): LSTM blue, GRU orange, RNN green, then the rest. */
export const SERIES_COLORS = { lstm: OKABE_ITO[0]!, gru: OKABE_ITO[1]!, rnn: OKABE_ITO[2]! };
export { OKABE_ITO };
