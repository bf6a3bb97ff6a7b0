/**
 * espeak-ng's IPA (as the `phonemizer` npm package prints it for `en-us`) mapped to CMUdict's
 * ARPAbet with stress, so that its output can be scored against CMUdict's references.
 *
 * The table, longest match first. Stress: espeak writes `ˈ` (primary) or `ˌ` (secondary) before
 * the stressed syllable; the next vowel takes 1 or 2, every other vowel 0. Length `ː`, syllable
 * breaks and ties are dropped. Choices where the two inventories differ:
 * - `ə` and `ʌ` are both AH (CMUdict writes AH0 / AH1); `ɐ` (espeak's reduced a) is AH too.
 * - `ɚ` and `ɜː` are ER; an `ɹ` right after them is part of the ER (`ɚɹ` is espeak's linking r).
 * - `ᵻ` (espeak's reduced i, as in *roses*) is IH; `i` (final *-y*) is IY; `ɒ` is AA.
 * - The flap `ɾ` and the glottal stop `ʔ` are T (*water* W AO1 T ER0, *button* B AH1 T AH0 N):
 *   CMUdict writes the phoneme, espeak the American allophone. A flapped *d* (*rider*) is
 *   scored as T, against CMUdict's D: an error that is the mapping's, noted in the results.
 * - Syllabic `n̩`, `l̩`, `m̩` are AH0 N, AH0 L, AH0 M (CMUdict's *button*, *bottle*).
 */
export const IPA_TO_ARPABET: ReadonlyArray<readonly [ipa: string, arpabet: string]> = [
  // Diphthongs and r-coloured vowels first (longest match).
  ['aɪ', 'AY'],
  ['aʊ', 'AW'],
  ['eɪ', 'EY'],
  ['oʊ', 'OW'],
  ['əʊ', 'OW'],
  ['ɔɪ', 'OY'],
  ['ɚɹ', 'ER'],
  ['ɜːɹ', 'ER'],
  ['ɜː', 'ER'],
  ['ɝ', 'ER'],
  ['ɚ', 'ER'],
  ['ɜ', 'ER'],
  // Monophthongs.
  ['ɑː', 'AA'],
  ['ɑ', 'AA'],
  ['ɒ', 'AA'],
  ['æ', 'AE'],
  ['a', 'AE'],
  ['ʌ', 'AH'],
  ['ə', 'AH'],
  ['ɐ', 'AH'],
  ['ɔː', 'AO'],
  ['ɔ', 'AO'],
  ['ɛ', 'EH'],
  ['e', 'EH'],
  ['ɪ', 'IH'],
  ['ᵻ', 'IH'],
  ['iː', 'IY'],
  ['i', 'IY'],
  ['ʊ', 'UH'],
  ['uː', 'UW'],
  ['u', 'UW'],
  ['o', 'OW'],
  // Affricates before their parts.
  ['tʃ', 'CH'],
  ['dʒ', 'JH'],
  // Syllabic consonants.
  ['n̩', 'AH N'],
  ['l̩', 'AH L'],
  ['m̩', 'AH M'],
  // Consonants.
  ['p', 'P'],
  ['b', 'B'],
  ['t', 'T'],
  ['d', 'D'],
  ['k', 'K'],
  ['ɡ', 'G'],
  ['g', 'G'],
  ['f', 'F'],
  ['v', 'V'],
  ['θ', 'TH'],
  ['ð', 'DH'],
  ['s', 'S'],
  ['z', 'Z'],
  ['ʃ', 'SH'],
  ['ʒ', 'ZH'],
  ['h', 'HH'],
  ['m', 'M'],
  ['n', 'N'],
  ['ŋ', 'NG'],
  ['l', 'L'],
  ['ɹ', 'R'],
  ['r', 'R'],
  ['j', 'Y'],
  ['w', 'W'],
  ['ʍ', 'W'],
  ['x', 'K'],
  ['ɾ', 'T'],
  ['ʔ', 'T'],
];

const VOWELS = new Set([
  'AY',
  'AW',
  'EY',
  'OW',
  'OY',
  'ER',
  'AA',
  'AE',
  'AH',
  'AO',
  'EH',
  'IH',
  'IY',
  'UH',
  'UW',
]);
/** Dropped: length, syllable break, tie bars, combining marks espeak adds to vowels. */
const IGNORED = new Set(['ː', 'ˑ', '.', '\u0361', '\u035c', '\u0303', ' ']);

/** Entries sorted longest first, so `tʃ` wins over `t`. */
const BY_LENGTH = [...IPA_TO_ARPABET].sort((a, b) => b[0].length - a[0].length);

export interface MappedPronunciation {
  /** ARPAbet with stress digits on vowels: `['HH', 'AH0', 'L', 'OW1']` */
  phonemes: string[];
  /** Characters the table does not know, in order (skipped, so the score counts them as errors). */
  unknown: string[];
}

/**
 * One espeak IPA word → ARPAbet with stress.
 * @param ipa e.g. `həlˈoʊ` → `HH AH0 L OW1`
 */
export function ipaToArpabet(ipa: string): MappedPronunciation {
  const phonemes: string[] = [];
  const unknown: string[] = [];
  let stress: '1' | '2' | null = null;
  const text = ipa.normalize('NFD');
  for (let at = 0; at < text.length; ) {
    const char = text[at]!;
    if (char === 'ˈ' || char === 'ˌ') {
      stress = char === 'ˈ' ? '1' : '2';
      at += 1;
      continue;
    }
    if (IGNORED.has(char)) {
      at += 1;
      continue;
    }
    const match = BY_LENGTH.find(([symbol]) => text.startsWith(symbol.normalize('NFD'), at));
    if (!match) {
      unknown.push(char);
      at += 1;
      continue;
    }
    at += match[0].normalize('NFD').length;
    for (const symbol of match[1].split(' ')) {
      if (VOWELS.has(symbol)) {
        // A syllabic consonant's AH is never the stressed vowel.
        const digit = match[1].includes(' ') ? '0' : (stress ?? '0');
        if (digit !== '0' || !match[1].includes(' ')) stress = null;
        phonemes.push(`${symbol}${digit}`);
      } else phonemes.push(symbol);
    }
  }
  return { phonemes, unknown };
}
