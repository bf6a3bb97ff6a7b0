/**
 * The READMEs' shell blocks and links, checked where it is cheap (nothing is installed or
 * trained here): every `npm`/`pnpm` script a command names exists where it is run, `pnpm bench`
 * arguments parse as the bench CLI parses them, every package an `npm install` line names is one
 * of ours or one our packages declare, `npx <bin>` is a bin of ours, every relative link leads
 * to a file or folder, and every public package states the root's Node floor.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../apps/bench/src/cli-arguments';
import { publicPackages, root } from '../scripts/public-packages.mjs';
import { fencedBlocks, readmePaths } from '../scripts/readme-snippets.mjs';

interface Manifest {
  name: string;
  scripts?: Record<string, string>;
  bin?: Record<string, string> | string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Manifest;
const rootManifest = readJson(join(root, 'package.json'));
const workspace = new Map<string, Manifest>(
  ['packages', 'apps']
    .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => readJson(join(dir, 'package.json')))
    .map((manifest) => [manifest.name, manifest]),
);
const ours = publicPackages();
const declared = new Set(
  ours.flatMap(({ manifest }) =>
    ['dependencies', 'devDependencies', 'peerDependencies'].flatMap((field) =>
      Object.keys((manifest as Record<string, object>)[field] ?? {}),
    ),
  ),
);
const bins = new Set(
  ours.flatMap(({ manifest }) =>
    typeof manifest.bin === 'object'
      ? Object.keys(manifest.bin)
      : manifest.bin
        ? [manifest.name]
        : [],
  ),
);

/** Each shell block's commands: continuations joined, prompts, comments and env assignments dropped. */
const commands = readmePaths()
  .flatMap(fencedBlocks)
  .filter((block) => ['sh', 'bash', 'shell', 'console'].includes(block.language))
  .flatMap((block) =>
    block.code
      .replace(/\\\n/g, ' ')
      .split('\n')
      .filter((line) => block.language !== 'console' || line.startsWith('$ '))
      .map((line) => line.replace(/^\$ /, '').replace(/\s#\s.*$/, ''))
      .flatMap((line) => line.split(/\s*(?:\||&&|;)\s*/))
      .map((part) =>
        part
          .trim()
          .split(/\s+/)
          .filter((word) => !/^[A-Z_]+=/.test(word)),
      )
      .map((words) => (words[0] === 'nice' ? words.slice(1) : words))
      .filter((words) => words.length > 0)
      .map((words) => ({ where: `${block.readme}:${block.line}`, words })),
  );

/** Names `pnpm <name>` takes as its own command rather than a script (pnpm 10). */
const PNPM_COMMANDS = new Set(
  'add audit bin bugs cache config dedupe deploy docs dlx doctor env fetch import info init licenses link list ls outdated pack patch prefix prune publish rebuild remove repo root search server setup store unlink update view why'.split(
    ' ',
  ),
);

/** A problem with one command, or undefined when it checks out. */
function problem(words: string[]): string | undefined {
  const [tool, ...rest] = words;
  if (tool === 'npm' && (rest[0] === 'start' || rest[0] === 'test'))
    return rootManifest.scripts?.[rest[0]] ? undefined : `no root script '${rest[0]}'`;
  if (tool === 'npm' && rest[0] === 'install') {
    if (rest.some((word) => word.startsWith('--prefix'))) return undefined; // a side install, not ours
    const unknown = rest
      .slice(1)
      .filter((word) => !word.startsWith('-'))
      .map((word) => word.replace(/(.)@[^@/]*$/, '$1'))
      .filter((name) => !ours.some((pkg) => pkg.name === name) && !declared.has(name));
    return unknown.length > 0
      ? `installs ${unknown.join(', ')}, which no package declares`
      : undefined;
  }
  if (tool === 'npx')
    return bins.has(rest[0] ?? '') ? undefined : `no package has the bin ${rest[0]}`;
  if (tool !== 'pnpm') return undefined; // printf, mkdir, python… are not ours to check
  let args = rest.filter((word) => word !== '--silent' && word !== '-s');
  if (args[0] === 'install' || args[0] === 'exec') return undefined;
  // pnpm's own commands (some passed on to npm) win over a script of the same name.
  if (PNPM_COMMANDS.has(args[0] ?? ''))
    return `pnpm ${args[0]} is pnpm's own command; write pnpm run ${args[0]}`;
  if (args[0] === 'run') args = args.slice(1);
  let scripts = rootManifest.scripts ?? {};
  if (args[0] === '--filter') {
    const target = workspace.get(args[1] ?? '');
    if (!target) return `no workspace package ${args[1]}`;
    scripts = target.scripts ?? {};
    args = args.slice(2);
  }
  const [script, ...scriptArgs] = args;
  if (!script || !scripts[script]) return `no script '${script}'`;
  if (script === 'bench' && !scriptArgs.some((word) => /[<[]/.test(word))) parseCommand(scriptArgs);
  return undefined;
}

describe('README shell blocks', () => {
  it('name commands that exist, with arguments the bench accepts', () => {
    expect(commands.length).toBeGreaterThan(10);
    const problems = commands.flatMap(({ where, words }) => {
      try {
        const found = problem(words);
        return found ? [`${where}: ${words.join(' ')}: ${found}`] : [];
      } catch (error) {
        return [`${where}: ${words.join(' ')}: ${(error as Error).message}`];
      }
    });
    expect(problems).toEqual([]);
  });

  it('would catch a wrong one (the checks can fail)', () => {
    expect(problem(['pnpm', 'no-such-script'])).toBe("no script 'no-such-script'");
    expect(problem(['pnpm', 'docs'])).toMatch(/pnpm's own command/);
    expect(problem(['pnpm', 'run', 'docs'])).toBeUndefined();
    expect(problem(['npm', 'install', '@gated/nope'])).toMatch(/no package declares/);
    expect(() => problem(['pnpm', '--silent', 'bench', 'predict', '--model'])).toThrow(/--model/);
  });
});

describe('README links', () => {
  it('every relative link leads to a file or folder', () => {
    const broken = readmePaths().flatMap((readme) =>
      [...readFileSync(readme, 'utf8').matchAll(/\]\(([^)\s]+)\)/g)]
        .map((match) => match[1]!.replace(/#.*$/, ''))
        .filter((target) => target !== '' && !/^[a-z]+:/.test(target))
        .filter((target) => !existsSync(join(dirname(readme), decodeURI(target))))
        .map((target) => `${readme.slice(root.length + 1)}: ${target}`),
    );
    expect(broken).toEqual([]);
  });
});

describe('package READMEs', () => {
  it('each public package has one, linking the API reference', () => {
    const missing = ours
      .filter(({ dir }) => {
        const readme = join(dir, 'README.md');
        return (
          !existsSync(readme) || !readFileSync(readme, 'utf8').includes('(../../docs/README.md)')
        );
      })
      .map(({ name }) => name);
    expect(missing).toEqual([]);
  });
});

describe('package metadata', () => {
  it('repository (with its directory), homepage and bugs: on every public package or on none', () => {
    // None yet: the project has no public repository URL. Once one package has them, all must.
    const fields = ours.map(({ dir, manifest }) => {
      const m = manifest as {
        repository?: { type?: string; url?: string; directory?: string };
        homepage?: string;
        bugs?: unknown;
      };
      return {
        repository: m.repository !== undefined,
        directory:
          m.repository === undefined || m.repository.directory === dir.slice(root.length + 1),
        homepage: m.homepage !== undefined,
        bugs: m.bugs !== undefined,
      };
    });
    const first = fields[0]!;
    expect(fields.every((f) => f.directory)).toBe(true);
    expect(fields).toEqual(fields.map(() => ({ ...first, directory: true })));
    expect(
      [first.repository, first.homepage, first.bugs].every((v) => v === first.repository),
    ).toBe(true);
  });

  it("every public package's Node floor is the root's", () => {
    const floors = ours.map(({ name, manifest }) => [name, manifest.engines?.node]);
    expect(floors).toEqual(ours.map(({ name }) => [name, rootManifest.engines?.node]));
  });
});
