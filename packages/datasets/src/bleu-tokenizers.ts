import { splitOnWhitespace } from './python-whitespace';

/**
 * The tokenizations sacreBLEU applies before counting BLEU's word n-grams (Post 2018, "A Call for
 * Clarity in Reporting BLEU Scores"), by their sacreBLEU names:
 * - `13a`: mteval-v13a.pl's, the WMT standard and sacreBLEU's default — punctuation and symbols
 *   split off, except `.` and `,` between digits and `-` not after a digit.
 * - `intl`: mteval-v14.pl's international one — Unicode punctuation (`\p{P}`) split off unless
 *   beside a digit, Unicode symbols (`\p{S}`) always.
 * - `char`: every character (code point) a token.
 * - `none`: the text as it is, split on whitespace.
 */
export type BleuTokenizer = '13a' | 'intl' | 'char' | 'none';

export const BLEU_TOKENIZERS: readonly BleuTokenizer[] = ['13a', 'intl', 'char', 'none'];

// mteval-v13a's language-dependent rules, applied in this order.
const V13A_RULES: ReadonlyArray<[RegExp, string]> = [
  // ASCII punctuation and symbols except ' - . , (ranges {-~, [-`, space-&, (-+, :-@, and /)
  [/([{-~[-` -&(-+:-@/])/gu, ' $1 '],
  // a period or comma not preceded by a digit
  [/([^0-9])([.,])/gu, '$1 $2 '],
  // a period or comma not followed by a digit
  [/([.,])([^0-9])/gu, ' $1 $2'],
  // a dash preceded by a digit
  [/([0-9])(-)/gu, '$1 $2 '],
];

const V14_RULES: ReadonlyArray<[RegExp, string]> = [
  [/(\P{N})(\p{P})/gu, '$1 $2 '],
  [/(\p{P})(\P{N})/gu, ' $1 $2'],
  [/(\p{S})/gu, ' $1 '],
];

function applyRules(line: string, rules: ReadonlyArray<[RegExp, string]>): string[] {
  let text = line;
  for (const [pattern, replacement] of rules) text = text.replace(pattern, replacement);
  return splitOnWhitespace(text);
}

/** mteval-v13a: drops `<skipped>`, joins hyphenated line breaks, unescapes four XML entities. */
function tokenize13a(line: string): string[] {
  let text = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (text.includes('&'))
    text = text
      .replaceAll('&quot;', '"')
      .replaceAll('&amp;', '&')
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>');
  return applyRules(` ${text} `, V13A_RULES);
}

/** The tokens BLEU counts in `line` under `tokenizer`. */
export function tokenizeForBleu(line: string, tokenizer: BleuTokenizer): string[] {
  switch (tokenizer) {
    case '13a':
      return tokenize13a(line);
    case 'intl':
      return applyRules(line, V14_RULES);
    case 'char':
      return splitOnWhitespace(Array.from(line).join(' '));
    case 'none':
      return splitOnWhitespace(line);
  }
}
