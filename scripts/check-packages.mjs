#!/usr/bin/env node
/**
 * Checks every public package the way a user will meet it, from its built `dist/`:
 *   1. publint --strict         (package.json and exports are right)
 *   2. attw --pack              (types resolve for ESM, CJS, node16 and bundlers)
 *   3. smoke install            (pnpm pack this package and its workspace dependencies, npm
 *                                install the tarballs with their peers into a temporary project,
 *                                run the package's smoke/esm.mjs and smoke/cjs.cjs there, and
 *                                smoke/browser.mjs where the package has one)
 * Usage: node scripts/check-packages.mjs [package-name ...]   (run `turbo run build` first)
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
// Under `pnpm run`, npm_execpath is the running pnpm; elsewhere use the one on PATH.
const pnpm = process.env.npm_execpath?.includes('pnpm')
  ? [process.execPath, process.env.npm_execpath]
  : ['pnpm'];

function run(command, args, options = {}) {
  return execFileSync(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    ...options,
  });
}

function readPackage(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

const workspace = new Map(
  readdirSync(join(root, 'packages'))
    .map((name) => join(root, 'packages', name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => [readPackage(dir).name, dir]),
);

/** The package and every workspace package it depends on, dependencies first. */
function withWorkspaceDependencies(name, seen = new Set()) {
  if (seen.has(name)) return [];
  seen.add(name);
  const manifest = readPackage(workspace.get(name));
  const internal = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).filter(
    (d) => workspace.has(d),
  );
  return [...internal.flatMap((d) => withWorkspaceDependencies(d, seen)), name];
}

/** Peers to install beside the tarballs, pinned to the versions the package is developed against. */
function externalPeers(names) {
  const peers = new Map();
  for (const name of names) {
    const manifest = readPackage(workspace.get(name));
    for (const [peer, range] of Object.entries(manifest.peerDependencies ?? {})) {
      if (!workspace.has(peer)) peers.set(peer, manifest.devDependencies?.[peer] ?? range);
    }
  }
  return [...peers].map(([peer, version]) => `${peer}@${version}`);
}

/** What the smoke test needs besides the package and its peers (smoke/install.json), e.g. a backend. */
function smokeExtras(dir) {
  const file = join(dir, 'smoke', 'install.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
}

function checkPackage(name) {
  const dir = workspace.get(name);
  const step = (label) => process.stdout.write(`  ${label} ... `);
  console.log(`${name}`);

  step('publint --strict');
  run(bin('publint'), ['--strict', '--pack', 'pnpm'], { cwd: dir });
  console.log('ok');

  const scratch = mkdtempSync(join(tmpdir(), 'gated-smoke-'));
  try {
    const packed = withWorkspaceDependencies(name).map((member) => {
      const output = run(pnpm[0], [...pnpm.slice(1), 'pack', '--pack-destination', scratch], {
        cwd: workspace.get(member),
      });
      return output.trim().split('\n').at(-1).trim();
    });
    const tarball = packed.at(-1);

    step('attw --pack');
    run(bin('attw'), [tarball, '--format', 'table-flipped'], { cwd: dir });
    console.log('ok');

    step('smoke install (ESM + CJS)');
    const project = join(scratch, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'smoke', private: true }));
    run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        ...packed,
        ...externalPeers(withWorkspaceDependencies(name)),
        ...smokeExtras(dir),
      ],
      {
        cwd: project,
      },
    );
    cpSync(join(dir, 'smoke'), project, { recursive: true });
    const esm = run(process.execPath, ['esm.mjs'], { cwd: project });
    const cjs = run(process.execPath, ['cjs.cjs'], { cwd: project });
    // A package that runs in pages also has smoke/browser.mjs: headless Chromium, bundled as an app would.
    const browser = existsSync(join(project, 'browser.mjs'))
      ? `\n    ${run(process.execPath, ['browser.mjs'], { cwd: project }).trim()}`
      : '';
    console.log(`ok\n    ${esm.trim()}\n    ${cjs.trim()}${browser}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const requested = process.argv.slice(2);
const names = [...workspace.keys()].filter(
  (name) =>
    !readPackage(workspace.get(name)).private &&
    (requested.length === 0 || requested.includes(name)),
);
let failed = 0;
for (const name of names) {
  try {
    checkPackage(name);
  } catch (error) {
    failed++;
    console.log('FAILED');
    console.error(
      error.stdout || '',
      error.stderr || '',
      error.stdout || error.stderr ? '' : error.message,
    );
  }
}
console.log(`${names.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
