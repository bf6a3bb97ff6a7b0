/**
 * Colour-blind-safe defaults. Sequential values use one hue ('blues': darker = larger), read by
 * lightness alone; signed values a blue–orange diverging scheme; categories the Okabe–Ito
 * palette (Okabe & Ito 2008), distinguishable with every common colour-vision deficiency.
 */
export const SEQUENTIAL_SCHEME = 'blues';
/** The Vega scheme for signed values, blue–orange (the gate heatmap centres it on 0). */
export const DIVERGING_SCHEME = 'blueorange';
/** The eight Okabe–Ito colours, for categories (series, bar groups), blue first. */
export const OKABE_ITO = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
];

/** RGB stops of ColorBrewer Blues, light to dark, for renderers without Vega (the terminal). */
export const BLUES_RAMP: ReadonlyArray<readonly [number, number, number]> = [
  [247, 251, 255],
  [198, 219, 239],
  [107, 174, 214],
  [33, 113, 181],
  [8, 48, 107],
];

/** The ramp's colour at `t` in [0, 1], linearly interpolated. */
export function rampColor(t: number, ramp = BLUES_RAMP): [number, number, number] {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const position = clamped * (ramp.length - 1);
  const low = Math.floor(position);
  const high = Math.min(ramp.length - 1, low + 1);
  const f = position - low;
  const [a, b] = [ramp[low]!, ramp[high]!];
  return [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * f)) as [number, number, number];
}
