import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vocab } from '@gated/datasets';
import { Seq2Seq, saveModel } from '@gated/seq2seq';
import { writeCheckpoint } from '@gated/seq2seq/node';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/leaks';
import { loadTextModel } from './node';
import { TextModel, type TextModelExtra, VOCAB_SPECIAL_IDS } from './text-model';

const scratch = mkdtempSync(join(tmpdir(), 'gated-models-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** An untrained letters → phoneme-symbols model (odd sizes, seeded): what it says is noise. */
function tinyTextModel(): TextModel {
  const sourceVocab = Vocab.build([[...'abcde']]);
  const targetVocab = Vocab.build([['AH', 'B', 'K', 'D']]);
  const extra: TextModelExtra = {
    task: 'tiny',
    sourceTokenizer: 'characters',
    targetTokenizer: 'symbols',
    sourceVocab: sourceVocab.toJSON(),
    targetVocab: targetVocab.toJSON(),
  };
  const model = new Seq2Seq({
    sourceVocabSize: sourceVocab.size,
    targetVocabSize: targetVocab.size,
    ...VOCAB_SPECIAL_IDS,
    cell: 'gru',
    embeddingSize: 5,
    hiddenSize: 6,
    seed: 42,
  });
  return new TextModel(model, extra);
}

describe('TextModel', () => {
  it('takes the special-token ids of every Vocab', () => {
    const vocab = Vocab.build([['x']]);
    expect(vocab.tokens.slice(0, 3)).toEqual(['<pad>', '<bos>', '<eos>']);
    expect(VOCAB_SPECIAL_IDS).toEqual({ padId: 0, bosId: 1, eosId: 2 });
  });

  it('predicts, decodes and translates text into target tokens, leaving no tensors', () => {
    const text = tinyTextModel();
    const targets = new Set(text.targetVocab.tokens.slice(4));
    const [greedy, beam] = expectNoLeaks(() => [
      text.predict(['abc', 'ed']),
      text.predict(['abc', 'ed'], 3),
    ]);
    for (const tokens of [...greedy!, ...beam!])
      for (const token of tokens) expect(targets.has(token)).toBe(true);
    // predict at beam 1 is the greedy decode, and translate answers one input the same way.
    const hypotheses = expectNoLeaks(() => text.decode(['abc', 'ed']));
    expect(hypotheses.map((h) => text.targetVocab.decode(h.tokens))).toEqual(greedy);
    const translation = expectNoLeaks(() => text.translate('  abc '));
    expect(translation.sourceTokens).toEqual(['a', 'b', 'c']);
    expect(translation.output).toBe(text.detokenize(translation.outputTokens));
    expect(translation.attention.length).toBe(translation.outputTokens.length + 1);
    for (const row of translation.attention) expect(row).toHaveLength(3);
    expect(() => text.predict(['abc', ''])).toThrow('predict: input 2 is empty');
    expect(() => text.translate('   ')).toThrow('Type something first');
    text.dispose();
  });

  it('loads from checkpoint files and from a checkpoint directory to the same answers', () => {
    const text = tinyTextModel();
    const files = saveModel(text.model, text.extra);
    const dir = join(scratch, 'tiny');
    writeCheckpoint(dir, files);
    const before = tf.memory().numTensors;
    for (const loaded of [TextModel.fromFiles(files), loadTextModel(dir)]) {
      expect(loaded.extra).toEqual(text.extra);
      expect(loaded.predict(['abc', 'dab'], 2)).toEqual(text.predict(['abc', 'dab'], 2));
      loaded.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    text.dispose();
  });
});
