import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * A peer installed on the side rather than by the workspace (see the bench README): loaded from
 * the package folder named by the environment variable `envVar`, or resolved from here.
 */
export function loadSidePackage<T>(
  envVar: string,
  name: string,
): { module: T; version: string } | { note: string } {
  const explicit = process.env[envVar];
  if (explicit && !existsSync(join(explicit, 'package.json')))
    return { note: `${envVar} is ${explicit}, which holds no package.json` };
  const require = createRequire(import.meta.url);
  try {
    const module = require(explicit ?? name) as T;
    const version = (require(join(explicit ?? name, 'package.json')) as { version: string })
      .version;
    return { module, version };
  } catch {
    return {
      note: `${name} not found: install it on the side and set ${envVar} (see the bench README)`,
    };
  }
}
