/**
 * ARPAbet → IPA, General American, one IPA symbol per ARPAbet phoneme:
 *
 * | ARPAbet | IPA | as in   | ARPAbet | IPA | as in   | ARPAbet | IPA | as in  |
 * | ------- | --- | ------- | ------- | --- | ------- | ------- | --- | ------ |
 * | AA      | ɑ   | odd     | EY      | eɪ  | ate     | P       | p   | pee    |
 * | AE      | æ   | at      | F       | f   | fee     | R       | ɹ   | read   |
 * | AH      | ʌ/ə | hut     | G       | ɡ   | green   | S       | s   | sea    |
 * | AO      | ɔ   | ought   | HH      | h   | he      | SH      | ʃ   | she    |
 * | AW      | aʊ  | cow     | IH      | ɪ   | it      | T       | t   | tea    |
 * | AY      | aɪ  | hide    | IY      | i   | eat     | TH      | θ   | theta  |
 * | B       | b   | be      | JH      | dʒ  | gee     | UH      | ʊ   | hood   |
 * | CH      | tʃ  | cheese  | K       | k   | key     | UW      | u   | two    |
 * | D       | d   | dee     | L       | l   | lee     | V       | v   | vee    |
 * | DH      | ð   | thee    | M       | m   | me      | W       | w   | we     |
 * | EH      | ɛ   | Ed      | N       | n   | knee    | Y       | j   | yield  |
 * | ER      | ɝ/ɚ | hurt    | NG      | ŋ   | ping    | Z       | z   | zee    |
 * |         |     |         | OW      | oʊ  | oat     | ZH      | ʒ   | seizure |
 * |         |     |         | OY      | ɔɪ  | toy     |         |     |        |
 *
 * Choices, since ARPAbet and IPA do not line up one to one:
 * - AH and ER depend on stress: stressed (1, 2) `ʌ` and `ɝ`, unstressed (0) the reduced `ə` and
 *   `ɚ`. Written without a digit (a model trained without stress), they are taken as unstressed,
 *   by far the more common case in CMUdict.
 * - Stress marks `ˈ` (primary, 1) and `ˌ` (secondary, 2) go right before the stressed vowel, not
 *   at the start of its syllable as IPA dictionaries place them: where a syllable starts is a
 *   judgement ARPAbet does not record.
 * - Diphthongs and affricates are one symbol each (`aɪ`, `tʃ`), without tie bars; `ɡ` is U+0261
 *   (IPA's g), `ɹ` the English approximant r.
 */
import { parsePhoneme } from './arpabet';

/** IPA for every ARPAbet base phoneme; AH and ER are their stressed values (see above). */
export const ARPABET_TO_IPA: Readonly<Record<string, string>> = {
  AA: 'ɑ',
  AE: 'æ',
  AH: 'ʌ',
  AO: 'ɔ',
  AW: 'aʊ',
  AY: 'aɪ',
  B: 'b',
  CH: 'tʃ',
  D: 'd',
  DH: 'ð',
  EH: 'ɛ',
  ER: 'ɝ',
  EY: 'eɪ',
  F: 'f',
  G: 'ɡ',
  HH: 'h',
  IH: 'ɪ',
  IY: 'i',
  JH: 'dʒ',
  K: 'k',
  L: 'l',
  M: 'm',
  N: 'n',
  NG: 'ŋ',
  OW: 'oʊ',
  OY: 'ɔɪ',
  P: 'p',
  R: 'ɹ',
  S: 's',
  SH: 'ʃ',
  T: 't',
  TH: 'θ',
  UH: 'ʊ',
  UW: 'u',
  V: 'v',
  W: 'w',
  Y: 'j',
  Z: 'z',
  ZH: 'ʒ',
};

/** The unstressed (0, or no digit) values of the two vowels whose quality follows stress. */
export const UNSTRESSED_IPA: Readonly<Record<string, string>> = { AH: 'ə', ER: 'ɚ' };

/** IPA's primary stress mark (U+02C8), written for ARPAbet's 1. */
export const PRIMARY_STRESS = 'ˈ';
/** IPA's secondary stress mark (U+02CC), written for ARPAbet's 2. */
export const SECONDARY_STRESS = 'ˌ';

/** How `arpabetToIpa` writes stress. */
export interface IpaOptions {
  /** Write `ˈ` and `ˌ` before stressed vowels. Default `true`; the vowel qualities stay either way. */
  stress?: boolean;
}

/**
 * ARPAbet phonemes → IPA symbols, one for one: `['HH', 'AH0', 'L', 'OW1']` → `['h', 'ə', 'l', 'ˈoʊ']`
 * (join them with `''` for text: `həlˈoʊ`).
 * @throws when a symbol is not ARPAbet, naming it
 */
export function arpabetToIpa(phonemes: readonly string[], options: IpaOptions = {}): string[] {
  const marks = options.stress ?? true;
  return phonemes.map((symbol) => {
    const { base, stress } = parsePhoneme(symbol);
    const stressed = stress === 1 || stress === 2;
    const ipa = (!stressed && UNSTRESSED_IPA[base]) || ARPABET_TO_IPA[base]!;
    if (!marks || !stressed) return ipa;
    return (stress === 1 ? PRIMARY_STRESS : SECONDARY_STRESS) + ipa;
  });
}
