export {
  ARPABET_CONSONANTS,
  ARPABET_VOWELS,
  hasStress,
  isVowel,
  type Phoneme,
  parsePhoneme,
  type Stress,
  withoutStress,
} from './arpabet';
export {
  ARPABET_TO_IPA,
  arpabetToIpa,
  type IpaOptions,
  PRIMARY_STRESS,
  SECONDARY_STRESS,
  UNSTRESSED_IPA,
} from './ipa';
export { cmudictLexicon, type Lexicon, loadCmudict } from './lexicon';
export {
  defaultModelUrl,
  MODEL_FILE_NAMES,
  type ReadModelFile,
  readModelFile,
  readModelFolder,
} from './model-files';
export type { FormatOptions, G2POptions, ResolvedOptions } from './options';
export {
  createG2P,
  G2P,
  type ModelInfo,
  type ScoredPronunciation,
  type WordPronunciation,
} from './pronouncer';
export { type Alternative, type DecodeOptions, PronunciationModel } from './pronunciation-model';
export { normalizeWord, tokenize, type WordToken } from './tokenize';
