import { describe, expect, it } from 'vitest';
import { ipaToArpabet } from './ipa-arpabet';

// espeak-ng's en-us output for these words (phonemizer 1.2.1), and CMUdict's pronunciation.
const CASES: Array<[word: string, ipa: string, arpabet: string]> = [
  ['hello', 'həlˈoʊ', 'HH AH0 L OW1'],
  ['world', 'wˈɜːld', 'W ER1 L D'],
  ['zebra', 'zˈiːbɹə', 'Z IY1 B R AH0'],
  ['thought', 'θˈɔːt', 'TH AO1 T'],
  ['judge', 'dʒˈʌdʒ', 'JH AH1 JH'],
  ['church', 'tʃˈɜːtʃ', 'CH ER1 CH'],
  ['ring', 'ɹˈɪŋ', 'R IH1 NG'],
  ['yes', 'jˈɛs', 'Y EH1 S'],
  ['water', 'wˈɔːɾɚ', 'W AO1 T ER0'],
  ['button', 'bˈʌʔn̩', 'B AH1 T AH0 N'],
  ['fire', 'fˈaɪɚ', 'F AY1 ER0'],
  ['boy', 'bˈɔɪ', 'B OY1'],
  ['cow', 'kˈaʊ', 'K AW1'],
  ['pronunciation', 'pɹənˌʌnsɪˈeɪʃən', 'P R AH0 N AH2 N S IH0 EY1 SH AH0 N'],
];

describe('ipaToArpabet (espeak en-us IPA → CMUdict ARPAbet)', () => {
  it.each(CASES)('%s: %s → %s', (_word, ipa, arpabet) => {
    expect(ipaToArpabet(ipa)).toEqual({ phonemes: arpabet.split(' '), unknown: [] });
  });

  it('stresses the next vowel only, and names characters it does not know', () => {
    // Secondary then primary; the linking r after ɚ is part of the ER.
    expect(ipaToArpabet('ˌaɪpɚɹˈæ').phonemes).toEqual(['AY2', 'P', 'ER0', 'AE1']);
    expect(ipaToArpabet('bʘk')).toEqual({ phonemes: ['B', 'K'], unknown: ['ʘ'] });
  });
});
