/**
 * A small, fast, seedable PRNG (mulberry32). Used for parameter initialisation and dropout
 * seeds, so the same seed gives the same model on every backend and platform.
 */
export type RandomSource = () => number;

/** Returns a generator of uniform floats in [0, 1) determined entirely by `seed`. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for callers that gave none: different each time, like PyTorch's default generator. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 4294967296);
}

/** `count` floats drawn from U(-bound, bound), PyTorch's default for recurrent weights. */
export function uniformValues(random: RandomSource, count: number, bound: number): Float32Array {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = (random() * 2 - 1) * bound;
  return values;
}
