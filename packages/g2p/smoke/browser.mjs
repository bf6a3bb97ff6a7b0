// Run by scripts/check-packages.mjs in a temporary project that installed the packed tarballs:
// bundles page.mjs with esbuild as an app would, serves the project over HTTP and pronounces
// words in headless Chromium, the model fetched from the installed package's model/ folder.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const candidates = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];
const executablePath = candidates.find((path) => path && existsSync(path));
if (!executablePath) {
  const message = 'browser smoke: no Chromium found (set CHROMIUM_PATH)';
  if (process.env.GATED_E2E === 'required') throw new Error(message);
  console.log(`${message}; skipped here, required in CI`);
  process.exit(0);
}

const root = process.cwd();
await build({
  entryPoints: ['page.mjs'],
  bundle: true,
  splitting: true, // the lexicon stays a chunk of its own, fetched on first use
  format: 'esm',
  platform: 'browser',
  outdir: 'page',
  logLevel: 'error',
});
writeFileSync(
  join(root, 'index.html'),
  '<!doctype html><meta charset="utf-8"><title>g2p</title><script type="module" src="page/page.js"></script>',
);

const types = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json' };
const server = createServer((request, response) => {
  const path = normalize(join(root, decodeURIComponent(new URL(request.url, 'http://x').pathname)));
  if (!path.startsWith(root) || !existsSync(path)) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
  response.end(readFileSync(path));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const browser = await chromium.launch({
  executablePath,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
  ],
});
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
  await page.waitForFunction(() => globalThis.smoke !== undefined, null, { timeout: 120_000 });
  const result = await page.evaluate(() => globalThis.smoke);
  assert.deepEqual(errors, []);
  assert.equal(result.error, undefined, result.error);
  assert.equal(result.hello, 'HH AH0 L OW1');
  assert.equal(result.gatedness.source, 'model');
  assert.match(result.gatedness.pronunciation, /^G /);
  console.log(
    `browser ok: hello ${result.hello}, gatedness ${result.gatedness.pronunciation} (model, ${result.backend})`,
  );
} finally {
  await browser.close();
  server.close();
}
