import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * `@gated/<name>` → `packages/<name>/src/index.ts` and `@gated/<name>/<entry>` →
 * `packages/<name>/src/<entry>.ts`, so tests run against sources with no build.
 */
function workspaceSourceAliases(): Array<{ find: RegExp; replacement: string }> {
  return readdirSync(join(root, 'packages')).flatMap((name) => [
    {
      find: new RegExp(`^@gated/${name}$`),
      replacement: join(root, 'packages', name, 'src', 'index.ts'),
    },
    {
      find: new RegExp(`^@gated/${name}/(.+)$`),
      replacement: join(root, 'packages', name, 'src', '$1.ts'),
    },
  ]);
}

export const sharedTestConfig = defineConfig({
  resolve: { alias: workspaceSourceAliases() },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    // Hooks that load a model (g2p's beforeAll loads CMUdict and two models) get a test's
    // budget, not vitest's 10 s: a CI run on a busy machine took longer than that.
    hookTimeout: 60_000,
    // tfjs keeps one global engine per process; files run isolated from each other.
    pool: 'forks',
  },
});
