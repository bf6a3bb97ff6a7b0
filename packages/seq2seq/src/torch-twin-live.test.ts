/**
 * Parity with the PyTorch twin (`python/`), gated → torch: models trained by gated for a few
 * steps, saved as checkpoints, load in the twin, which gives the same teacher-forced logits
 * (≤ 1e-5), greedy and beam outputs. Needs torch (`python3-torch`); skipped with a warning
 * without it, an error with GATED_TORCH=required.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATED_TRAINED_CASES, GATED_TRAINED_REQUEST, trainTiny } from '../test/gated-trained';
import { expectNoLeaks } from '../test/leaks';
import { runTwin, torchPython } from '../test/torch-python';
import { expectSameOutputs, gatedOutputs, type TwinOutputs } from '../test/twin-outputs';
import { saveModel } from './checkpoint';
import { writeCheckpoint } from './node';
import type { Seq2Seq } from './seq2seq';

const python = torchPython();
const names = Object.keys(GATED_TRAINED_CASES);

describe.runIf(python)('a model trained by gated loads in the PyTorch twin and matches', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'gated-twin-'));
  const models = new Map<string, Seq2Seq>();
  const theirs = new Map<string, TwinOutputs>();

  beforeAll(async () => {
    for (const name of names) {
      const model = await trainTiny(GATED_TRAINED_CASES[name]!);
      writeCheckpoint(join(scratch, name), saveModel(model));
      models.set(name, model);
    }
    // One twin process for every checkpoint: importing torch takes seconds.
    const dirs = names.map((name) => join(scratch, name));
    const outputs = JSON.parse(
      runTwin(python!, 'scripts/twin_outputs.py', dirs, JSON.stringify(GATED_TRAINED_REQUEST)),
    ) as TwinOutputs[];
    expect(outputs).toHaveLength(names.length);
    for (const [i, name] of names.entries()) theirs.set(name, outputs[i]!);
  }, 300_000);

  afterAll(() => {
    for (const model of models.values()) model.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it.each(names)('%s', async (name) => {
    await expectNoLeaks(() => {
      expectSameOutputs(gatedOutputs(models.get(name)!, GATED_TRAINED_REQUEST), theirs.get(name)!);
    });
  });
});
