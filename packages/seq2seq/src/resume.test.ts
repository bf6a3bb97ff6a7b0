import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors } from '@gated/cells';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyConfig, tinyExamples } from '../test/tiny-task';
import { saveTraining } from './checkpoint';
import { writeCheckpoint } from './node';
import { Seq2Seq } from './seq2seq';
import { Trainer } from './trainer';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const scratch = mkdtempSync(join(tmpdir(), 'gated-resume-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('resumable training', () => {
  it('N steps, save, load in a fresh process, M more = N + M uninterrupted steps', async () => {
    const train = tinyExamples(60, 7); // 60 examples in batches of 8: the resume lands mid-epoch
    const options = {
      batchSize: 8,
      learningRate: 1e-2,
      seed: 3,
      teacherForcing: 0.7,
      schedule: { type: 'warmup-cosine', warmupSteps: 4, totalSteps: 20 },
    } as const;
    const config = tinyConfig({
      cell: 'lstm',
      attention: 'luong-general',
      dropout: 0.2,
      encoderLayers: 2,
      decoderLayers: 2,
    });

    const straight = new Seq2Seq(config);
    const straightTrainer = new Trainer(straight, options);
    await straightTrainer.fit({ train, maxSteps: 20 });

    const interrupted = new Seq2Seq(config);
    const first = new Trainer(interrupted, options);
    await first.fit({ train, maxSteps: 11 });
    const dir = join(scratch, 'run');
    writeCheckpoint(dir, saveTraining(first));
    const out = join(scratch, 'weights.safetensors');
    const log = execFileSync(
      join(packageDir, 'node_modules', '.bin', 'tsx'),
      ['--tsconfig', 'test/tsconfig.child.json', 'test/resume-child.ts', dir, '20', out],
      { cwd: packageDir, encoding: 'utf8' },
    );
    expect(log).toContain('resumed at step 20');

    const resumed = decodeSafetensors(readFileSync(out));
    const expected = straight.stateDict();
    expect(Object.keys(resumed).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, tensor] of Object.entries(expected)) {
      const difference = tf.tidy(
        () => tf.max(tf.abs(tf.sub(tensor, resumed[name]!))).dataSync()[0]!,
      );
      expect(difference, name).toBeLessThan(1e-6);
    }
    // And the run really moved: the weights after 20 steps differ from those after 11.
    const after11 = interrupted.stateDict();
    const moved = tf.tidy(
      () =>
        tf
          .max(
            tf.abs(
              tf.sub(after11['decoder.rnn.weight_hh_l0']!, expected['decoder.rnn.weight_hh_l0']!),
            ),
          )
          .dataSync()[0]!,
    );
    expect(moved).toBeGreaterThan(1e-4);
    tf.dispose([...Object.values(resumed), ...Object.values(expected), ...Object.values(after11)]);
    for (const disposable of [straightTrainer, first, straight, interrupted]) disposable.dispose();
  }, 120_000);
});
