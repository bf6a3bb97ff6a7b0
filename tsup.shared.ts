import type { Options } from 'tsup';

/**
 * The one build recipe every package shares: ESM + CJS + bundled .d.ts with sourcemaps.
 * Dependencies and peers stay external (tsup's default), so an app gets one tfjs-core.
 */
export function packageBuild(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    splitting: false,
    treeshake: true,
    ...overrides,
  };
}
