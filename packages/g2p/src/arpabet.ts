/**
 * ARPAbet as CMUdict writes it: 39 phonemes, and on each vowel a stress digit (0 none,
 * 1 primary, 2 secondary): `HH AH0 L OW1`. Consonants never carry a digit.
 */

/** The 15 vowels, which take a stress digit. */
export const ARPABET_VOWELS = [
  'AA',
  'AE',
  'AH',
  'AO',
  'AW',
  'AY',
  'EH',
  'ER',
  'EY',
  'IH',
  'IY',
  'OW',
  'OY',
  'UH',
  'UW',
] as const;

/** The 24 consonants. */
export const ARPABET_CONSONANTS = [
  'B',
  'CH',
  'D',
  'DH',
  'F',
  'G',
  'HH',
  'JH',
  'K',
  'L',
  'M',
  'N',
  'NG',
  'P',
  'R',
  'S',
  'SH',
  'T',
  'TH',
  'V',
  'W',
  'Y',
  'Z',
  'ZH',
] as const;

/** A vowel's stress digit: 0 unstressed, 1 primary, 2 secondary. */
export type Stress = 0 | 1 | 2;

/** One ARPAbet symbol read apart: `OW1` → `{ base: 'OW', stress: 1 }`, `L` → `{ base: 'L' }`. */
export interface Phoneme {
  base: string;
  /** The vowel's stress digit; absent on consonants and on vowels written without one. */
  stress?: Stress;
}

const VOWELS: ReadonlySet<string> = new Set(ARPABET_VOWELS);
const PHONEMES: ReadonlySet<string> = new Set([...ARPABET_VOWELS, ...ARPABET_CONSONANTS]);

/** Whether `base` (a phoneme without its digit: `OW`, not `OW1`) is one of the 15 vowels. */
export function isVowel(base: string): boolean {
  return VOWELS.has(base);
}

/**
 * Reads one symbol, with or without a stress digit.
 * @throws when it is not an ARPAbet phoneme, or a consonant carries a digit: `'Q1'`
 */
export function parsePhoneme(symbol: string): Phoneme {
  const match = /^([A-Z]{1,2})([012])?$/.exec(symbol);
  const base = match?.[1];
  if (!base || !PHONEMES.has(base) || (match[2] !== undefined && !VOWELS.has(base)))
    throw new Error(
      `expected an ARPAbet phoneme (${ARPABET_VOWELS[0]}…${ARPABET_CONSONANTS.at(-1)}, vowels with an optional stress digit 0/1/2), got ${JSON.stringify(symbol)}`,
    );
  return match[2] === undefined ? { base } : { base, stress: Number(match[2]) as Stress };
}

/** `['HH', 'AH0', 'L', 'OW1']` → `['HH', 'AH', 'L', 'OW']`. */
export function withoutStress(phonemes: readonly string[]): string[] {
  return phonemes.map((p) => p.replace(/[012]$/, ''));
}

/** Whether any of the phonemes carries a stress digit. */
export function hasStress(phonemes: readonly string[]): boolean {
  return phonemes.some((p) => /[012]$/.test(p));
}
