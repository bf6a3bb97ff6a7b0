import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/leaks';
import { tinyConfig, tinyExamples } from '../test/tiny-task';
import { beamSearch } from './beam-search';
import { loadModel, loadTraining, loadWeights, saveModel, saveTraining } from './checkpoint';
import { readCheckpoint, writeCheckpoint } from './node';
import { Seq2Seq } from './seq2seq';
import { Trainer, TrainingDivergedError } from './trainer';

const scratch = mkdtempSync(join(tmpdir(), 'gated-checkpoint-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const sources = tinyExamples(5, 11).map((e) => e.source);

describe('checkpoints', () => {
  it('save → load gives a model with identical outputs, and keeps the extra slot', async () => {
    const model = new Seq2Seq(
      tinyConfig({ cell: 'gru', attention: 'bahdanau', tieEmbeddings: true, encoderHiddenSize: 6 }),
    );
    const trainer = new Trainer(model, { batchSize: 4, learningRate: 1e-2 });
    await trainer.fit({ train: tinyExamples(12, 1), maxSteps: 3 });
    const dir = join(scratch, 'model');
    const extra = { sourceVocab: ['<pad>', 'a'], note: 'vocabularies go here' };
    await expectNoLeaks(() => {
      writeCheckpoint(dir, saveModel(model, extra));
      const loaded = loadModel(readCheckpoint(dir));
      expect(loaded.extra).toEqual(extra);
      expect(beamSearch(loaded.model, sources, { beamSize: 3, nBest: 3 })).toEqual(
        beamSearch(model, sources, { beamSize: 3, nBest: 3 }),
      );
      loaded.model.dispose();
    });
    trainer.dispose();
    model.dispose();
  });

  it('saves F16 weights at half the size, which load back within half precision', async () => {
    const model = new Seq2Seq(tinyConfig({ attention: 'bahdanau', encoderHiddenSize: 6 }));
    await expectNoLeaks(() => {
      const full = saveModel(model, { note: 'f16' });
      const half = saveModel(model, { note: 'f16' }, { floatDtype: 'F16' });
      const bytes = (files: typeof full) => files['weights.safetensors']!.length;
      // Header aside, each float32 parameter takes 2 bytes instead of 4.
      expect(bytes(full) - bytes(half)).toBe(2 * model.numParameters());
      const loaded = loadModel(half);
      expect(loaded.extra).toEqual({ note: 'f16' });
      const original = new Map(model.namedParameters().map(([name, p]) => [name, p.dataSync()]));
      for (const [name, p] of loaded.model.namedParameters()) {
        const reference = original.get(name)!;
        const values = p.dataSync();
        // F16 keeps 11 significant bits: a relative error ≤ 2^-11 (weights here are well above
        // F16's subnormal range, where the bound would be absolute).
        for (let i = 0; i < values.length; i++)
          expect(Math.abs(values[i]! - reference[i]!)).toBeLessThanOrEqual(
            Math.abs(reference[i]!) * 2 ** -11 + 1e-7,
          );
      }
      loaded.model.dispose();
    });
    expect(() => saveModel(model, undefined, { floatDtype: 'F8' as 'F16' })).toThrow(
      "saveModel: floatDtype must be 'F32', 'F16' or 'BF16', got F8",
    );
    model.dispose();
  });

  it('refuses truncated or corrupted files with a clear error', () => {
    const model = new Seq2Seq(tinyConfig());
    const files = saveModel(model);
    const weights = files['weights.safetensors']!;
    const truncated = { ...files, 'weights.safetensors': weights.slice(0, weights.length - 9) };
    expect(() => loadModel(truncated)).toThrow(
      /weights.safetensors has \d+ bytes, config.json says \d+ \(truncated\?\)/,
    );
    const flipped = weights.slice();
    flipped[flipped.length - 3]! ^= 0x40;
    expect(() => loadModel({ ...files, 'weights.safetensors': flipped })).toThrow(
      'weights.safetensors does not match its checksum (corrupted)',
    );
    const config = files['config.json']!;
    expect(() => loadModel({ ...files, 'config.json': config.slice(0, 40) })).toThrow(
      'config.json is not valid JSON',
    );
    expect(() => loadModel({ 'weights.safetensors': weights })).toThrow('config.json is missing');
    const { 'weights.safetensors': _, ...withoutWeights } = files;
    expect(() => loadModel(withoutWeights)).toThrow('weights.safetensors is missing');
    model.dispose();
  });

  it('loading into a model of another configuration names the fields that differ', () => {
    const saved = new Seq2Seq(tinyConfig({ cell: 'gru' }));
    const other = new Seq2Seq(tinyConfig({ cell: 'lstm', hiddenSize: 12 }));
    expect(() => loadWeights(other, saveModel(saved))).toThrow(
      /cell: "gru" → "lstm"\n {2}hiddenSize: 10 → 12/,
    );
    saved.dispose();
    other.dispose();
  });

  it('a save that fails midway leaves the previous checkpoint intact', () => {
    const model = new Seq2Seq(tinyConfig());
    const dir = join(scratch, 'atomic');
    const good = saveModel(model, { version: 'good' });
    writeCheckpoint(dir, good);
    const replacement = saveTraining(new Trainer(model));
    let written = 0;
    const failing = (path: string, bytes: Uint8Array) => {
      if (++written === 3) throw new Error('disk full (injected)');
      writeFileSync(path, bytes);
    };
    expect(() => writeCheckpoint(dir, replacement, { writeFile: failing })).toThrow(
      'disk full (injected)',
    );
    const after = readCheckpoint(dir);
    expect(Object.keys(after).sort()).toEqual(['config.json', 'weights.safetensors']);
    expect(after['weights.safetensors']).toEqual(good['weights.safetensors']);
    const { model: reloaded, extra } = loadModel(after);
    expect(extra).toEqual({ version: 'good' });
    expect(readdirSync(scratch).filter((name) => name.startsWith('atomic.'))).toEqual([]); // no debris
    reloaded.dispose();
    model.dispose();
  });

  it('recovers the previous checkpoint after a crash between the two renames', () => {
    const model = new Seq2Seq(tinyConfig());
    const dir = join(scratch, 'crashed');
    writeCheckpoint(`${dir}.previous-123-abc`, saveModel(model, 'old'));
    expect(existsSync(dir)).toBe(false);
    expect(loadModel(readCheckpoint(dir)).extra).toBe('old');
    model.dispose();
  });

  it('resuming with a shorter schedule keeps the step and Adam moments, and uses the new schedule', async () => {
    const schedule = {
      type: 'warmup-cosine',
      warmupSteps: 2,
      totalSteps: 100,
      minFactor: 0.1,
    } as const;
    const trainer = new Trainer(new Seq2Seq(tinyConfig()), {
      learningRate: 0.01,
      schedule,
      seed: 3,
    });
    await trainer.fit({ train: tinyExamples(12, 1), maxSteps: 5 });
    const files = saveTraining(trainer, null);
    const shorter = { ...schedule, totalSteps: 9 };
    const resumed = loadTraining(files, { schedule: shorter }).trainer;
    expect(resumed.state.step).toBe(5);
    expect(resumed.options.schedule).toEqual(shorter);
    expect(resumed.options.seed).toBe(3);
    // warmup-cosine at step 5 of 9 with warmup 2: 0.1 + 0.9 * 0.5 * (1 + cos(pi * 3 / 7))
    const factor = 0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * 3) / 7));
    expect(resumed.learningRate).toBeCloseTo(0.01 * factor, 10);
    expect(loadTraining(files).trainer.options.schedule).toEqual(schedule);
    expect(() => loadTraining(files, { learningRate: -1 })).toThrow(
      'Trainer: learningRate must be > 0, got -1',
    );
    trainer.model.dispose();
    resumed.model.dispose();
  });
});

describe('training', () => {
  it('a NaN loss stops training with a clear error and leaves the last checkpoint untouched', async () => {
    const model = new Seq2Seq(tinyConfig());
    const trainer = new Trainer(model, { batchSize: 4 });
    const dir = join(scratch, 'diverged');
    const train = tinyExamples(8, 1);
    await trainer.fit({
      train,
      maxSteps: 2,
      onCheckpoint: (t) => writeCheckpoint(dir, saveTraining(t)),
    });
    const before = readCheckpoint(dir);
    const weight = model.encoder.embedding.weight;
    weight.assign(tf.fill(weight.shape, Number.NaN));
    await expect(
      trainer.fit({
        train,
        maxSteps: 5,
        validation: train,
        evaluateEvery: 1,
        onCheckpoint: (t) => writeCheckpoint(dir, saveTraining(t)),
      }),
    ).rejects.toThrow(TrainingDivergedError);
    await expect(trainer.fit({ train, maxSteps: 5 })).rejects.toThrow(
      /the loss became NaN at step 2 \(epoch 1\); training stopped before that update/,
    );
    expect(readCheckpoint(dir)).toEqual(before);
    trainer.dispose();
    model.dispose();
  });

  it('100 training steps and 100 decodes leave the tensor count unchanged', async () => {
    const model = new Seq2Seq(tinyConfig({ cell: 'lstm', attention: 'luong-dot', dropout: 0.1 }));
    const trainer = new Trainer(model, { batchSize: 4, teacherForcing: 0.5, labelSmoothing: 0.1 });
    const train = tinyExamples(16, 2);
    await trainer.fit({ train, maxSteps: 1 }); // Adam creates its moments on the first update
    await expectNoLeaks(async () => {
      await trainer.fit({ train, maxSteps: 101, validation: train.slice(0, 4), evaluateEvery: 50 });
      for (let i = 0; i < 50; i++) {
        beamSearch(model, sources.slice(0, 2), { beamSize: 3 });
        beamSearch(model, sources.slice(2), { beamSize: 1 });
      }
    });
    trainer.dispose();
    model.dispose();
  }, 120_000);

  it('emits progress events with loss, tokens/s and ETA', async () => {
    const model = new Seq2Seq(tinyConfig());
    const trainer = new Trainer(model, { batchSize: 4 });
    const events: Array<{
      type: string;
      etaSeconds?: number;
      tokensPerSecond?: number;
      loss?: number;
    }> = [];
    const { reason } = await trainer.fit({
      train: tinyExamples(8, 1),
      epochs: 2,
      validation: tinyExamples(4, 9),
      onProgress: (e) => events.push(e),
    });
    expect(reason).toBe('epochs');
    expect(events.map((e) => e.type)).toEqual([
      'step',
      'step',
      'evaluation',
      'step',
      'step',
      'evaluation',
      'stop',
    ]);
    const step = events[0]!;
    // An untrained model guesses about uniformly over the 11 target tokens: loss near ln 11.
    expect(Math.abs(step.loss! - Math.log(11))).toBeLessThan(0.5);
    expect(step.tokensPerSecond).toBeGreaterThan(0);
    expect(events[3]!.etaSeconds).toBeGreaterThan(0);
    expect(events[4]!.etaSeconds).toBe(0);
    trainer.dispose();
    model.dispose();
  });
});
