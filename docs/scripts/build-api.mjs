#!/usr/bin/env node
/**
 * Builds the API reference of every public package into docs/api/ with TypeDoc, and fails on any
 * warning: an export without a doc comment (validation.notDocumented), a link that resolves to
 * nothing ({@link X} or a relative path in a README), a type used in the API but not exported.
 *
 * TypeDoc's own `packages` strategy infers entry points from the exports map, which points at
 * dist/*.d.ts that carry no declaration maps back to src; so this does what that strategy does,
 * with the entry points read from each package.json: one conversion per package (validated), then
 * one merged site (links across packages validated).
 *
 * Usage: node docs/scripts/build-api.mjs [package-name ...]   (root: `pnpm run docs`)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Application, LogLevel } from 'typedoc';
import { publicPackages, root } from './public-packages.mjs';

const out = join(root, 'docs', 'api');

/**
 * What must carry a doc comment: everything a package exports, and the methods and accessors of
 * its classes. (Properties of exported interfaces and classes are not required yet.)
 */
const documented = [
  'Enum',
  'Variable',
  'Function',
  'Class',
  'Interface',
  'TypeAlias',
  'Namespace',
  'Method',
  'Accessor',
];

/** Options shared by the per-package runs and the merge. */
const common = {
  logLevel: LogLevel.Warn,
  treatWarningsAsErrors: true,
  // The READMEs show shell commands, Python (the PyTorch side) and printed output.
  highlightLanguages: [
    'bash',
    'sh',
    'shell',
    'ts',
    'typescript',
    'js',
    'javascript',
    'json',
    'python',
    'text',
  ],
  excludePrivate: true,
  excludeInternal: true,
  // Protected members are for subclasses inside the packages, not for users.
  excludeProtected: true,
  // Links to GitHub source lines need a repository URL, which the project does not have yet.
  disableSources: true,
  githubPages: false,
  // Type errors are the typecheck task's to report (and a package's tsconfig includes its tests).
  skipErrorChecking: true,
};

/** One package → TypeDoc's JSON model of it, checked. Returns the JSON file, or undefined on failure. */
async function convertPackage(pkg, scratch) {
  const app = await Application.bootstrapWithPlugins({
    ...common,
    name: pkg.name,
    entryPointStrategy: 'resolve',
    entryPoints: pkg.entries.map((e) => e.source),
    tsconfig: join(pkg.dir, 'tsconfig.json'),
    readme: join(pkg.dir, 'README.md'),
    requiredToBeDocumented: documented,
    validation: {
      notExported: true,
      notDocumented: true,
      invalidLink: true,
      invalidPath: true,
      rewrittenLink: true,
    },
  });
  const project = await app.convert();
  if (!project) return undefined;
  app.validate(project);
  if (app.logger.hasErrors() || app.logger.hasWarnings()) return undefined;
  const file = join(scratch, `${pkg.name.replace('/', '__')}.json`);
  await app.generateJson(project, file);
  return file;
}

async function main() {
  const packages = publicPackages(process.argv.slice(2));
  const scratch = mkdtempSync(join(tmpdir(), 'gated-api-'));
  try {
    const models = [];
    const failed = [];
    for (const pkg of packages) {
      const model = await convertPackage(pkg, scratch);
      if (model) models.push(model);
      else failed.push(pkg.name);
    }
    if (failed.length > 0) {
      console.error(
        `docs: the API reference of ${failed.join(', ')} has warnings or errors (above)`,
      );
      process.exitCode = 1;
      return;
    }
    const app = await Application.bootstrapWithPlugins({
      ...common,
      name: 'gated',
      entryPointStrategy: 'merge',
      entryPoints: models,
      readme: join(root, 'docs', 'api-index.md'),
      out,
      validation: { invalidLink: true, invalidPath: true, rewrittenLink: true },
    });
    const project = await app.convert();
    if (project) {
      app.validate(project);
      if (!app.logger.hasErrors() && !app.logger.hasWarnings()) await app.generateOutputs(project);
    }
    if (!project || app.logger.hasErrors() || app.logger.hasWarnings()) {
      console.error('docs: the merged API reference has warnings or errors (above)');
      process.exitCode = 1;
      return;
    }
    console.log(`docs: API reference of ${packages.map((p) => p.name).join(', ')} in ${out}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
