import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared.ts';

// A README snippet may train a model (the seq2seq README trains for 800 steps).
export default mergeConfig(sharedTestConfig, defineConfig({ test: { testTimeout: 900_000 } }));
