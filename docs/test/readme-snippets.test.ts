/**
 * Every TypeScript and JavaScript block of every README runs, as a reader would run it: written
 * to a file of its own (docs/.snippets/, by scripts/extract-snippets.mjs) and executed with
 * `node --import tsx` in a fresh directory, `@gated/*` resolved to the packages' sources. The
 * docs package's typecheck compiles the same files as strict TypeScript.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { extractSnippets, snippetsDir } from '../scripts/extract-snippets.mjs';
import { expectedOutput, prepareSnippet } from './snippet-setup';

const run = promisify(execFile);
// tsx's loader, named by path: snippets run in a temporary directory, where no node_modules is.
const tsx = pathToFileURL(
  join(import.meta.dirname, '..', 'node_modules', 'tsx', 'dist', 'loader.mjs'),
).href;
const snippets = extractSnippets();

describe('README snippets', () => {
  it('there are some (the extractor finds the blocks)', () => {
    expect(snippets.length).toBeGreaterThan(10);
  });

  it.each(snippets.map(({ file, snippet }) => [`${snippet.readme}:${snippet.line}`, file]))(
    '%s runs',
    async (_where, file) => {
      const cwd = mkdtempSync(join(tmpdir(), 'gated-snippet-'));
      try {
        await prepareSnippet(file, cwd);
        const { stdout, stderr } = await run(process.execPath, ['--import', tsx, file], {
          cwd,
          env: { ...process.env, TSX_TSCONFIG_PATH: join(snippetsDir, 'tsconfig.json') },
          maxBuffer: 64 * 1024 * 1024,
        }).catch((error: { code?: number; stdout?: string; stderr?: string }) => {
          throw new Error(`${file} exited with ${error.code}:\n${error.stdout}\n${error.stderr}`);
        });
        expect(stderr).not.toMatch(/Error|Warning/);
        for (const line of expectedOutput(file)) expect(stdout).toMatch(line);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    },
  );
});
