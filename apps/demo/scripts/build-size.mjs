/**
 * Measures the production build: JavaScript (page and worker), WebAssembly and model bytes,
 * raw and gzip-compressed. Prints a Markdown table and writes dist/build-size.json.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

function kindOf(path) {
  const rel = relative(dist, path);
  if (rel.startsWith('models/')) return `model: ${rel.split('/')[1]}`;
  // @gated/g2p's model/, which the worker imports from the package: Vite names it by content hash.
  if (/^assets\/(config|weights)-[\w-]+\.(json|safetensors)$/.test(rel)) return 'model: g2p';
  if (rel.endsWith('.js')) return /worker/.test(rel) ? 'JavaScript: worker' : 'JavaScript: page';
  if (rel.endsWith('.wasm')) return 'WebAssembly (3 builds, one is loaded)';
  return 'HTML, CSS, other';
}

const totals = new Map();
for (const path of files(dist)) {
  if (path.endsWith('build-size.json')) continue;
  const bytes = readFileSync(path);
  const entry = totals.get(kindOf(path)) ?? { raw: 0, gzip: 0, files: 0 };
  entry.raw += bytes.length;
  entry.gzip += gzipSync(bytes, { level: 9 }).length;
  entry.files += 1;
  totals.set(kindOf(path), entry);
}
const rows = [...totals.entries()].sort(([a], [b]) => a.localeCompare(b));
const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
console.log('\n| part | files | bytes | gzip |\n| --- | ---: | ---: | ---: |');
for (const [kind, { raw, gzip, files: count }] of rows)
  console.log(`| ${kind} | ${count} | ${kb(raw)} | ${kb(gzip)} |`);
writeFileSync(
  join(dist, 'build-size.json'),
  `${JSON.stringify(Object.fromEntries(rows), null, 2)}\n`,
);
