/**
 * The code blocks of every README in the repository (the root's, each package's, each app's), so
 * that the docs package can type-check and run them. A TypeScript or JavaScript block is a whole
 * program, as a reader would paste it: imports included, nothing hidden around it. A block that
 * goes on from the one before it (using its `model`, say) says so on the line above its fence,
 * `<!-- continues the block above -->` (invisible on GitHub and npm), and the two run as one
 * program.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root } from './public-packages.mjs';

/** Every README.md: the root's, then `packages/*` and `apps/*`, sorted. */
export function readmePaths() {
  const nested = ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(root, group))
      .sort()
      .map((name) => join(root, group, name, 'README.md'))
      .filter((file) => existsSync(file)),
  );
  return [join(root, 'README.md'), ...nested];
}

const CODE_LANGUAGES = new Set(['ts', 'typescript', 'js', 'javascript']);
const CONTINUES = /^\s*<!--\s*continues the block above\s*-->\s*$/;

/**
 * The fenced blocks of one Markdown file.
 * @returns {{ readme: string, index: number, line: number, language: string, code: string }[]}
 *   `readme` relative to the repository root, `line` 1-based (the opening fence), `index` counts
 *   the file's blocks of every language from 0
 */
export function fencedBlocks(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})\s*([\w+-]*)/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, language] = open;
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const continues = before >= 0 && CONTINUES.test(lines[before]);
    const body = [];
    let j = i + 1;
    while (j < lines.length && !lines[j].trimStart().startsWith(fence)) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
      j++;
    }
    blocks.push({
      readme: relative(root, file),
      index: blocks.length,
      line: i + 1,
      language: language.toLowerCase(),
      continues,
      code: `${body.join('\n')}\n`,
    });
    i = j;
  }
  return blocks;
}

/**
 * The programs in every README: each TypeScript or JavaScript block, with the blocks that continue
 * it appended (`lines` lists where each part starts).
 */
export function codeSnippets() {
  const programs = [];
  for (const readme of readmePaths()) {
    let last;
    for (const block of fencedBlocks(readme).filter((b) => CODE_LANGUAGES.has(b.language))) {
      if (block.continues) {
        if (!last)
          throw new Error(`${block.readme}:${block.line}: continues a block, but none is above it`);
        last.code += `// continued at line ${block.line}\n${block.code}`;
        last.lines.push(block.line);
        continue;
      }
      last = { ...block, lines: [block.line] };
      programs.push(last);
    }
  }
  return programs;
}

/** A file name for a snippet: `packages/cells/README.md` block 3 → `packages-cells-3.ts`. */
export function snippetFileName(snippet) {
  const where = snippet.readme.replace(/\/?README\.md$/, '').replaceAll('/', '-') || 'root';
  const extension = snippet.language.startsWith('j') ? 'mjs' : 'ts';
  return `${where}-${snippet.index}.${extension}`;
}
