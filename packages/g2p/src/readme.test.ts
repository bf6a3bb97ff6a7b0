import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { G2P, WordPronunciation } from './pronouncer';

// The README's snippets run as written: each ```ts block is saved in .tmp/ and imported, what it
// prints is compared with the `// …` lines under its console.log, and what it computes is
// checked here against the values its comments show. The ```sh block runs the CLI from source.
const packageDir = join(import.meta.dirname, '..');
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
const scratch = join(packageDir, '.tmp', 'readme');
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });
afterAll(() => rmSync(join(packageDir, '.tmp'), { recursive: true, force: true }));

const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** Runs snippet `index`; returns its top-level values and what it printed. */
async function runSnippet(index: number, names: string[]) {
  const file = join(scratch, `snippet-${index}.ts`);
  writeFileSync(file, `${snippets[index]}\nexport { ${names.join(', ')} };\n`);
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args) => {
    printed.push(args.join(' '));
  });
  try {
    const values = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
    return { values, printed };
  } finally {
    log.mockRestore();
  }
}

/** The `// …` lines right after the snippet's console.log line: what it says it prints. */
function shownOutput(index: number): string[] {
  const lines = snippets[index]!.split('\n');
  const at = lines.findIndex((line) => line.includes('console.log'));
  const shown: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (!line.startsWith('// ')) break;
    shown.push(line.slice(3));
  }
  return shown;
}

const text = (words: unknown) => (words as WordPronunciation[]).map((w) => w.pronunciation);

describe('README', () => {
  it('has the six snippets this test runs', () => {
    expect(snippets).toHaveLength(6);
  });

  it('"Pronounce text" prints what it says', async () => {
    const { values, printed } = await runSnippet(0, ['g2p', 'words']);
    expect(printed).toEqual(shownOutput(0));
    expect(text(values.words)).toEqual(['HH AH0 L OW1', 'W ER1 L D', 'G EY1 T AH0 N AH0 S']);
    (values.g2p as G2P).dispose();
  });

  it('"Words CMUdict lacks" prints the three alternatives and their probabilities', async () => {
    const { values, printed } = await runSnippet(1, ['g2p', 'word']);
    expect(printed).toEqual(shownOutput(1));
    expect((values.word as WordPronunciation).alternatives).toHaveLength(3);
    (values.g2p as G2P).dispose();
  });

  it('"IPA, and stress or none"', async () => {
    const { values } = await runSnippet(2, ['g2p', 'ipa', 'plain']);
    expect(values.ipa).toEqual(['həlˈoʊ', 'wˈɝld']);
    expect((values.plain as WordPronunciation).pronunciation).toBe('HH AH L OW');
    (values.g2p as G2P).dispose();
  });

  it('"Characters the model cannot read"', async () => {
    const { values } = await runSnippet(3, ['g2p', 'cafe', 'au', 'lait']);
    expect(values.cafe).toMatchObject({ source: 'none', unknownCharacters: ['é'], phonemes: [] });
    expect(text([values.au, values.lait])).toEqual(['OW1', 'L EY1']);
    (values.g2p as G2P).dispose();
  });

  it('"Many words at once" frees what it made', async () => {
    const before = tf.memory().numTensors;
    const { values } = await runSnippet(4, ['phonemes']);
    expect(values.phonemes).toEqual([
      'Z IY1 B R AH0',
      'K W IH0 K S AA1 T IH0 K',
      'G EY1 T AH0 N AH0 S',
    ]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('"In a page": the model is fetched from the folder named, relative to the page', async () => {
    const { values } = await runSnippet(5, ['g2p']);
    const g2p = values.g2p as G2P;
    const fetched: string[] = [];
    vi.stubGlobal('location', { href: 'https://example.test/app/index.html' });
    vi.stubGlobal('fetch', async (url: URL) => {
      fetched.push(url.href);
      const file = join(packageDir, 'model', url.pathname.split('/').at(-1)!);
      return new Response(readFileSync(file));
    });
    try {
      expect(fetched).toEqual([]); // nothing before the first need
      expect((await g2p.load()).parameters).toBeGreaterThan(0);
      expect(fetched).toEqual([
        'https://example.test/models/g2p/config.json',
        'https://example.test/models/g2p/weights.safetensors',
      ]);
    } finally {
      vi.unstubAllGlobals();
      g2p.dispose();
    }
  });

  it('"The CLI" prints what it shows', () => {
    const block = /```sh\n\$ printf([\s\S]*?)```/.exec(readme)![0];
    const sessions = block.split('\n$ ').slice(1);
    expect(sessions).toHaveLength(2);
    for (const session of sessions) {
      const [command, ...output] = session.replace(/```$/, '').trimEnd().split('\n');
      const fromSource = command!.replace('npx gated-g2p', 'node --import tsx src/cli.ts');
      const stdout = execFileSync('bash', ['-c', fromSource], {
        cwd: packageDir,
        encoding: 'utf8',
      });
      expect(stdout.trimEnd().split('\n')).toEqual(output);
    }
  });
});
