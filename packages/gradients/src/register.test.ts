import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ensureGradients, gradientConfigs } from './register';

describe('ensureGradients, with the full tfjs loaded (the test setup)', () => {
  it('registers nothing: tfjs has every gradient, and its own stay in force', () => {
    expect(ensureGradients()).toEqual([]);
    for (const config of gradientConfigs) {
      const registered = tf.getGradient(config.kernelName);
      expect(registered, config.kernelName).toBeDefined();
      expect(registered, config.kernelName).not.toBe(config);
    }
  });

  it('has one config per kernel', () => {
    const names = gradientConfigs.map((c) => c.kernelName);
    expect(new Set(names).size).toBe(names.length);
  });
});
