import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { g2pMarkdown } from './g2p-markdown';
import type { G2PResults } from './g2p-report';

// The committed report of the shipped model: a full run whose folder has a RECIPE.md.
const committed = JSON.parse(
  readFileSync(new URL('../../results/g2p.json', import.meta.url), 'utf8'),
) as G2PResults;

describe('results/g2p.md', () => {
  it("prints the recipe of the model's own run folder", () => {
    const recipe = readFileSync(
      new URL('../../runs/g2p-twin/RECIPE.md', import.meta.url),
      'utf8',
    ).trim();
    expect(committed.model.recipe).toBe(recipe);
    const markdown = g2pMarkdown(committed);
    expect(markdown).toContain(`\n\n${recipe}\n\n## Test split`);
    expect(markdown).not.toContain('g2pStressRecipe` in');
  });

  it('says so when the run folder has no RECIPE.md', () => {
    const { recipe: _, ...model } = committed.model;
    const markdown = g2pMarkdown({ ...committed, model });
    expect(markdown).toContain(`Recipe: not recorded (no RECIPE.md in \`${model.runDir}\`).`);
  });
});
