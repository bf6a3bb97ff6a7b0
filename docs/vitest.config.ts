import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared.ts';

// A README snippet may train a model: the seq2seq README trains for 800 steps (75 s on a free
// core, 12 minutes on this shared 2-core machine under load).
export default mergeConfig(sharedTestConfig, defineConfig({ test: { testTimeout: 1_800_000 } }));
