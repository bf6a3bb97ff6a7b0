/**
 * Serves the production build (dist/) with the cross-origin isolation headers and says where
 * to open it. PORT (default 4173) and HOST (default localhost) may be set in the environment.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preview } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'dist', 'index.html'))) {
  console.error('apps/demo/dist is missing: build first (pnpm --filter @gated/demo build).');
  process.exit(1);
}
const server = await preview({
  root,
  preview: { port: Number(process.env.PORT ?? 4173), host: process.env.HOST ?? 'localhost' },
});
const url = server.resolvedUrls?.local[0] ?? `http://localhost:${process.env.PORT ?? 4173}/`;
console.log(`\n  The gated demo is running. Open ${url} in a browser (Ctrl+C stops).\n`);

// Ctrl+C (or a service manager's TERM) is how this server is meant to stop: close it and exit
// cleanly, so that npm and pnpm do not report the stop as a failure.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.httpServer.close();
    console.log('\n  The gated demo stopped.');
    process.exit(0);
  });
}
