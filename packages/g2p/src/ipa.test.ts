import { describe, expect, it } from 'vitest';
import { ARPABET_CONSONANTS, ARPABET_VOWELS, parsePhoneme, withoutStress } from './arpabet';
import { ARPABET_TO_IPA, arpabetToIpa } from './ipa';

const ipa = (arpabet: string, stress = true) =>
  arpabetToIpa(arpabet.split(' '), { stress }).join('');

describe('ARPAbet', () => {
  it('has the 39 phonemes of CMUdict, 15 of them vowels', () => {
    expect(ARPABET_VOWELS).toHaveLength(15);
    expect(ARPABET_CONSONANTS).toHaveLength(24);
    expect(new Set([...ARPABET_VOWELS, ...ARPABET_CONSONANTS]).size).toBe(39);
  });

  it('reads stress digits on vowels only, and names a symbol it does not know', () => {
    expect(parsePhoneme('OW1')).toEqual({ base: 'OW', stress: 1 });
    expect(parsePhoneme('AH')).toEqual({ base: 'AH' });
    expect(parsePhoneme('NG')).toEqual({ base: 'NG' });
    for (const bad of ['L1', 'Q', 'ow1', 'AH3', '', 'AH01'])
      expect(() => parsePhoneme(bad)).toThrow(`got ${JSON.stringify(bad)}`);
    expect(withoutStress(['HH', 'AH0', 'L', 'OW1'])).toEqual(['HH', 'AH', 'L', 'OW']);
  });
});

describe('ARPAbet → IPA', () => {
  it('maps every phoneme, and only those', () => {
    expect(Object.keys(ARPABET_TO_IPA).sort()).toEqual(
      [...ARPABET_VOWELS, ...ARPABET_CONSONANTS].sort(),
    );
    expect(() => arpabetToIpa(['HH', 'XX'])).toThrow('got "XX"');
  });

  // References: the IPA General American transcriptions of these words.
  it.each([
    ['HH AH0 L OW1', 'həlˈoʊ'], // hello
    ['W ER1 L D', 'wˈɝld'], // world
    ['B AH1 T ER0', 'bˈʌtɚ'], // butter
    ['CH IY1 Z', 'tʃˈiz'], // cheese
    ['JH AH1 JH', 'dʒˈʌdʒ'], // judge
    ['TH IH1 NG K', 'θˈɪŋk'], // think
    ['DH EH1 R', 'ðˈɛɹ'], // there
    ['S IY1 ZH ER0', 'sˈiʒɚ'], // seizure
    ['Y UW1 TH', 'jˈuθ'], // youth
    ['G UH1 D', 'ɡˈʊd'], // good
    ['B OY1 AY2 SH', 'bˈɔɪˌaɪʃ'], // (boy + ish)
    ['K AW1 B AE2 NG', 'kˈaʊbˌæŋ'], // (cow + bang)
    ['AA1 D', 'ˈɑd'], // odd
    ['AO1 T', 'ˈɔt'], // ought
    ['EY1 T', 'ˈeɪt'], // ate
    ['P EH1 T', 'pˈɛt'], // pet
    ['F AY1 V', 'fˈaɪv'], // five
    ['M IH1 N', 'mˈɪn'], // min
  ])('%s → %s', (arpabet, expected) => {
    expect(ipa(arpabet)).toBe(expected);
  });

  it('without stress marks keeps the vowel qualities; without digits AH and ER are reduced', () => {
    expect(ipa('B AH1 T ER0', false)).toBe('bʌtɚ');
    expect(ipa('B AH T ER')).toBe('bətɚ');
    expect(ipa('W ER L D')).toBe('wɚld');
    expect(arpabetToIpa(['HH', 'AH0', 'L', 'OW1'])).toEqual(['h', 'ə', 'l', 'ˈoʊ']);
  });
});
