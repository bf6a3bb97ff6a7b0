import { seededRandom } from '@gated/cells';
import { installWasmKernels, uninstallWasmKernels } from '@gated/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Example } from './batch';
import { evaluate } from './evaluate';
import { Seq2Seq } from './seq2seq';
import { Trainer } from './trainer';

/** Reverse-the-sequence examples: lengths 5–15 over 20 symbols (ids 3..22; 0–2 are pad, BOS, EOS). */
function reverseExamples(count: number, seed: number): Example[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const length = 5 + Math.floor(random() * 11);
    const source = Array.from({ length }, () => 3 + Math.floor(random() * 20));
    return { source, target: [...source].reverse() };
  });
}

describe('learning to reverse sequences', () => {
  // On wasm, with the accelerator's kernels (one thread), as users train: 800 steps on tfjs's
  // own wasm ops took 162 s alone (87 s with the kernels) and over 5 minutes in a loaded CI run.
  // On cpu, tfjs's ops.
  beforeAll(async () => {
    if (tf.getBackend() === 'wasm') await installWasmKernels({ threads: 1 });
  });
  afterAll(() => uninstallWasmKernels());

  it('an attention model reaches ≥ 99% exact match on held-out sequences', async () => {
    const train = reverseExamples(4000, 1);
    const seen = new Set(train.map((e) => e.source.join(' ')));
    const heldOut = reverseExamples(400, 2).filter((e) => !seen.has(e.source.join(' ')));
    const model = new Seq2Seq({
      sourceVocabSize: 23,
      targetVocabSize: 23,
      padId: 0,
      bosId: 1,
      eosId: 2,
      cell: 'gru',
      embeddingSize: 32,
      hiddenSize: 64,
      attention: 'bahdanau',
      seed: 42,
    });
    const trainer = new Trainer(model, {
      batchSize: 32,
      learningRate: 3e-3,
      schedule: { type: 'warmup-cosine', warmupSteps: 50, totalSteps: 800, minFactor: 0.05 },
      seed: 42,
    });
    const started = performance.now();
    const before = tf.memory().numTensors;
    await trainer.fit({
      train,
      validation: heldOut.slice(0, 100),
      maxSteps: 800,
      evaluateEvery: 200,
      onProgress: (e) => {
        if (e.type === 'evaluation')
          console.log(
            `step ${e.step} loss ${e.loss.toFixed(4)} exact ${e.exactMatch.toFixed(3)} tok ${e.tokenAccuracy.toFixed(3)} ${((performance.now() - started) / 1000).toFixed(0)}s`,
          );
      },
    });
    expect(tf.memory().numTensors).toBe(before + 2 * model.parameters().length); // only Adam's moments remain
    const { exactMatch } = evaluate(model, heldOut);
    console.log(`held-out exact match ${exactMatch} on ${heldOut.length}`);
    expect(exactMatch).toBeGreaterThanOrEqual(0.99);
    trainer.dispose();
    model.dispose();
  }, 900_000);
});
