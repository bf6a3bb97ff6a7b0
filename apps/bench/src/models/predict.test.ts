import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..', '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'gated-predict-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * A tsconfig mapping `@gated/<name>` to `packages/<name>/src` (as vitest does), so the child
 * process runs the sources under test whether or not `dist/` has been built.
 */
function sourcesTsconfig(): string {
  const paths: Record<string, string[]> = {};
  for (const name of readdirSync(join(root, 'packages'))) {
    paths[`@gated/${name}`] = [join(root, 'packages', name, 'src', 'index.ts')];
    paths[`@gated/${name}/*`] = [join(root, 'packages', name, 'src', '*.ts')];
  }
  const path = join(scratch, 'tsconfig.json');
  const config = { extends: join(root, 'tsconfig.base.json'), compilerOptions: { paths } };
  writeFileSync(path, JSON.stringify(config));
  return path;
}

describe('pnpm bench predict, as a child process', () => {
  it('answers a 100,000-character line, a TAB and an empty line with one row each, in order', () => {
    // printf 'hello\n%s\nwor\tld\n\nzebra\n' "$(head -c 100000 /dev/zero | tr '\0' a)"
    const input = `hello\n${'a'.repeat(100_000)}\nwor\tld\n\nzebra\n`;
    const started = performance.now();
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'apps/bench/src/cli.ts', 'predict', '--model', 'packages/g2p/model'],
      {
        cwd: root,
        input,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, TSX_TSCONFIG_PATH: sourcesTsconfig() },
      },
    );
    const seconds = (performance.now() - started) / 1000;
    expect(child.error).toBeUndefined();
    expect(child.stderr).toContain('line 2: longer than 100 characters');
    expect(child.stderr).toContain(`line 3: not in the model's vocabulary: "\\t" (U+0009)`);
    expect(child.stderr).toContain('line 4: empty');
    expect(child.stderr).toContain('predicted 2 lines, skipped 3');
    expect(child.status).toBe(0);
    const rows = child.stdout.split('\n');
    expect(rows.pop()).toBe(''); // the output ends with \n
    // The shipped model's pronunciations (HH EH1 L OW0, Z IY1 B R AH0) as ARPAbet of any spelling,
    // so a retrained model does not break this test.
    const phonemes = /^[A-Z]+[0-2]?( [A-Z]+[0-2]?)+$/;
    expect(rows).toEqual([
      expect.stringMatching(/^hello\t/),
      `${'a'.repeat(100)}…\t`,
      'wor\\tld\t',
      '\t',
      expect.stringMatching(/^zebra\t/),
    ]);
    expect(rows[0]!.split('\t')[1]).toMatch(phonemes);
    expect(rows[4]!.split('\t')[1]).toMatch(phonemes);
    expect(seconds).toBeLessThan(30);
  }, 90_000);
});
