import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { g2pResultsName, g2pStressPlaces, SHIPPED_G2P_RUN } from './g2p-stress';

describe('g2pResultsName: which results a g2p report writes', () => {
  it('is g2p for the shipped model, written as a path with or without a trailing slash', () => {
    expect(g2pResultsName(join(SHIPPED_G2P_RUN, 'model'), false)).toBe('g2p');
    expect(g2pResultsName(`${join(SHIPPED_G2P_RUN, 'model')}/`, false)).toBe('g2p');
  });

  it("names another run's report after its folder, so it never replaces the shipped model's", () => {
    expect(g2pResultsName(g2pStressPlaces(false, '/tmp/out').modelDir, false)).toBe('g2p-stress');
    expect(g2pResultsName('/data/runs/wide/model', false)).toBe('g2p-wide');
  });

  it('is g2p in a quick run, whose results go to a folder of their own', () => {
    expect(g2pResultsName(g2pStressPlaces(true, '/tmp/out').modelDir, true)).toBe('g2p');
  });

  it("is the run of @gated/g2p's model: the same model config and vocabularies", () => {
    const read = (dir: string) => JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    const ours = read(join(SHIPPED_G2P_RUN, 'model'));
    const shipped = read(join(SHIPPED_G2P_RUN, '..', '..', '..', '..', 'packages', 'g2p', 'model'));
    expect(shipped.config).toEqual(ours.config);
    expect(shipped.extra).toEqual(ours.extra);
    expect(ours.config.hiddenSize).toBe(244);
  });
});
