import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared.ts';

// A README snippet may train a model: the seq2seq README trains for 800 steps (117 s here with
// the accelerator beside another job, 208 s without it; minutes more under load).
export default mergeConfig(sharedTestConfig, defineConfig({ test: { testTimeout: 1_800_000 } }));
