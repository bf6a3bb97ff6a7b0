import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { build, type Plugin } from 'esbuild';

/*
 * The browser speed suite's page: bundled from the packages with esbuild (the main thread and
 * its two workers), and served on loopback cross-origin isolated (COOP + COEP), so that the
 * page has SharedArrayBuffer and so tfjs's threaded build, onnxruntime-web's threads and ours.
 */

const here = import.meta.dirname;
const HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
};
const PAGE =
  '<!doctype html><meta charset="utf-8"><title>gated speed</title><script type="module" src="/main.js"></script>';

const packages = join(here, '..', '..', '..', '..', 'packages');

/** `@gated/<name>[/<entry>]` → the package's source, as the tests do: no build needed. */
const workspaceSources: Plugin = {
  name: 'gated-sources',
  setup(b) {
    b.onResolve({ filter: /^@gated\/[^/]+(\/.+)?$/ }, (args) => {
      const [, name, entry] = /^@gated\/([^/]+)(?:\/(.+))?$/.exec(args.path)!;
      const file = join(packages, name!, 'src', `${entry ?? 'index'}.ts`);
      return existsSync(file) ? { path: file } : undefined;
    });
  },
};

/** Bundles the page (from the packages' sources) into a new temporary folder and returns it. */
export async function buildPage(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'gated-speed-browser-'));
  await build({
    entryPoints: {
      main: join(here, 'page', 'main.ts'),
      'gated-worker': join(here, 'page', 'gated-worker.ts'),
      'ort-worker': join(here, 'page', 'ort-worker.ts'),
    },
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    logLevel: 'error',
    plugins: [workspaceSources],
    // tfjs-backend-wasm's Node branch names these; the page never takes it.
    external: ['fs', 'path', 'os', 'worker_threads', 'perf_hooks', 'crypto'],
  });
  return out;
}

/** The folder of tfjs-backend-wasm's .wasm files. */
function tfjsWasmDir(): string {
  const require = createRequire(join(here, '..', '..', 'package.json'));
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
}

/**
 * Serves `page` at /, tfjs's wasm files at /tfjs/, onnxruntime-web's dist at /ort/ and the
 * ONNX models at /models/ on 127.0.0.1 (a free port); every response cross-origin isolated.
 */
export async function servePage(
  page: string,
  places: { ortDist?: string; models?: string },
): Promise<{ url: string; close(): Promise<void> }> {
  const roots: Array<[string, string | undefined]> = [
    ['/tfjs/', tfjsWasmDir()],
    ['/ort/', places.ortDist],
    ['/models/', places.models],
    ['/', page],
  ];
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    if (path === '/') {
      response.writeHead(200, { ...HEADERS, 'Content-Type': 'text/html' }).end(PAGE);
      return;
    }
    const [prefix, root] = roots.find(([p]) => path.startsWith(p))!;
    const file = root ? normalize(join(root, path.slice(prefix.length))) : '';
    if (!root || !file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, HEADERS).end();
      return;
    }
    response.writeHead(200, {
      ...HEADERS,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('speed-browser: no port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Removes a folder made by buildPage. */
export function removePage(page: string): void {
  rmSync(page, { recursive: true, force: true });
}
