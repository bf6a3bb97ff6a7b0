import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

/** `@gated/<name>` → `packages/<name>/src/index.ts`, so tests run against sources with no build. */
function workspaceSourceAliases(): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const name of readdirSync(join(root, 'packages'))) {
    aliases[`@gated/${name}`] = join(root, 'packages', name, 'src', 'index.ts');
  }
  return aliases;
}

export const sharedTestConfig = defineConfig({
  resolve: { alias: workspaceSourceAliases() },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    // tfjs keeps one global engine per process; files run isolated from each other.
    pool: 'forks',
  },
});
