import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.ts';

export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'e2e/**/*.test.ts'],
      setupFiles: ['test/setup-backend.ts'],
      testTimeout: 300_000,
      // One browser at a time: the e2e files each start Chromium and train in its worker, and
      // two at once on a small machine would stretch the main-thread pause the demo test bounds.
      fileParallelism: false,
    },
  }),
);
