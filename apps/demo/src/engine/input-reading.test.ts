import { describe, expect, it } from 'vitest';
import { nameCharacter, readDate, readWord } from './input-reading';

const letters = new Set([..."abcdefghijklmnopqrstuvwxyz'-."]);
const known = (c: string) => letters.has(c);

describe('reading typed input as the models were trained', () => {
  it('reads Zebra, ZEBRA, “zebra,” and  zebra  as zebra, saying what changed', () => {
    for (const typed of ['zebra', 'Zebra', 'ZEBRA', '“zebra,”', '  zebra  ', '(Zebra)!'])
      expect(readWord(typed, known).text).toBe('zebra');
    expect(readWord('zebra', known).changes).toEqual([]);
    expect(readWord('ZEBRA', known).changes).toEqual([
      'lower-cased (the dictionary is lower case)',
    ]);
    expect(readWord('“zebra,”', known).changes).toEqual([
      'removed the surrounding punctuation “ , ”',
    ]);
  });

  it('keeps inner apostrophes and hyphens, and names what the model cannot read', () => {
    expect(readWord("Don't", known)).toEqual({
      text: "don't",
      changes: ['lower-cased (the dictionary is lower case)'],
      unreadable: [],
    });
    expect(readWord('naïve café', known).unreadable).toEqual(['ï', ' ', 'é']);
    expect(nameCharacter('é')).toBe('“é” (U+00E9)');
    expect(nameCharacter(' ')).toBe('U+0020');
  });

  it('leaves dates as typed apart from surrounding spaces', () => {
    const digits = (c: string) => /[0-9A-Za-z ,./-]/.test(c);
    expect(readDate('  June 5, 2026 ', digits)).toEqual({
      text: 'June 5, 2026',
      changes: [],
      unreadable: [],
    });
    expect(readDate('5 juin 2026 ✓', digits).unreadable).toEqual(['✓']);
  });
});
