import { describe, expect, it } from 'vitest';
import { cmudictLexicon, loadCmudict } from './lexicon';

describe('the lexicon', () => {
  it('gives the first of several pronunciations, drops comments, and reads no prototype', () => {
    const lexicon = cmudictLexicon({
      read: 'R EH1 D',
      'read(2)': 'R IY1 D',
      aalborg: 'AO1 L B AO0 R G # place, danish',
      empty: '  ',
    });
    expect(lexicon.lookup('read')).toEqual(['R', 'EH1', 'D']);
    expect(lexicon.lookup('aalborg')).toEqual(['AO1', 'L', 'B', 'AO0', 'R', 'G']);
    expect(lexicon.lookup('empty')).toBeUndefined();
    expect(lexicon.lookup('constructor')).toBeUndefined();
    expect(lexicon.lookup('__proto__')).toBeUndefined();
    expect(lexicon.lookup('Read')).toBeUndefined(); // callers normalise
    expect(lexicon.size).toBe(3);
  });

  it('refuses a damaged entry instead of passing it on', () => {
    expect(() => cmudictLexicon({ bad: 'HH AH0 Q' }).lookup('bad')).toThrow('got "Q"');
    expect(() => cmudictLexicon(null as never)).toThrow('expected { word: pronunciation }');
  });

  it('loads CMUdict once: hello, read (its first), tomato, constructor', async () => {
    const lexicon = await loadCmudict();
    expect(await loadCmudict()).toBe(lexicon);
    expect(lexicon.lookup('hello')).toEqual(['HH', 'AH0', 'L', 'OW1']);
    expect(lexicon.lookup('read')).toEqual(['R', 'EH1', 'D']);
    expect(lexicon.lookup('tomato')).toEqual(['T', 'AH0', 'M', 'EY1', 'T', 'OW2']);
    expect(lexicon.lookup('constructor')).toEqual([
      'K',
      'AH0',
      'N',
      'S',
      'T',
      'R',
      'AH1',
      'K',
      'T',
      'ER0',
    ]);
    expect(lexicon.lookup('gatedness')).toBeUndefined();
    expect(lexicon.size).toBeGreaterThan(125_000);
  });
});
