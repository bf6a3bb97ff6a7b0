import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

// The library (ESM + CJS, with import.meta.url shimmed in CJS to find ../model/) and the CLI (ESM).
export default defineConfig([
  packageBuild({ shims: true }),
  packageBuild({ entry: ['src/cli.ts'], format: ['esm'], dts: false, clean: false }),
]);
