/**
 * The workspace's public packages, read from each `packages/<name>/package.json` (those without
 * `"private": true`), with the source file behind each entry of its exports map. A package added
 * under `packages/` is picked up here without any list to edit.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..', '..');

/**
 * `./dist/<file>.js` (an export's `import` target, as tsup writes it) → `src/<file>.ts`; exports
 * that are not JavaScript (data files) are left out.
 * @returns {{ subpath: string, source: string }[]} one per exported entry, `./package.json` left out
 */
function entrySources(dir, manifest) {
  return (
    Object.entries(manifest.exports ?? {})
      .filter(([subpath]) => subpath !== './package.json')
      // Files shipped as data (a model's weights, say) are exports but not API.
      .filter(([, target]) => typeof target !== 'string' || /\.[cm]?js$/.test(target))
      .map(([subpath, target]) => {
        const js = typeof target === 'string' ? target : (target.import?.default ?? target.default);
        const match = /^\.\/dist\/(.+)\.js$/.exec(js ?? '');
        if (!match) {
          throw new Error(
            `${manifest.name}: export '${subpath}' must point to ./dist/<file>.js (built from src/<file>.ts), got ${JSON.stringify(target)}`,
          );
        }
        const source = join(dir, 'src', `${match[1]}.ts`);
        if (!existsSync(source)) {
          throw new Error(
            `${manifest.name}: export '${subpath}' is built from ${source}, which does not exist`,
          );
        }
        return { subpath, source };
      })
  );
}

/**
 * @param {string[]} [only] package names to keep (all public packages when empty)
 * @returns {{ name: string, dir: string, manifest: any, entries: { subpath: string, source: string }[] }[]}
 */
export function publicPackages(only = []) {
  const packagesDir = join(root, 'packages');
  return readdirSync(packagesDir)
    .sort()
    .map((name) => join(packagesDir, name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true)
    .filter(({ manifest }) => only.length === 0 || only.includes(manifest.name))
    .map(({ dir, manifest }) => ({
      name: manifest.name,
      dir,
      manifest,
      entries: entrySources(dir, manifest),
    }));
}
