import { exactMatch, reverseTask, Vocab } from '@gated/datasets';
import { VOCAB_SPECIAL_IDS } from '@gated/models';
import { type Example, greedyDecode, Seq2Seq, Trainer } from '@gated/seq2seq';

export interface Seq2SeqRace {
  task: string;
  steps: number;
  cells: Array<{
    cell: 'gru' | 'lstm';
    parameters: number;
    /** Exact match on held-out sequences after `steps` updates. */
    exactMatch: number;
    seconds: number;
    msPerStep: number;
  }>;
}

/**
 * Claim 4, second task: the same attention model (embedding 32, hidden 64, Bahdanau) with a GRU
 * or an LSTM, the same data, seed and number of updates, learning to reverse sequences of 5–15
 * symbols. Reports held-out exact match and wall time.
 */
export async function gruVsLstmOnReversal(quick: boolean): Promise<Seq2SeqRace> {
  const steps = quick ? 10 : 500;
  const range = { minLength: quick ? 3 : 5, maxLength: quick ? 5 : 15, vocabularySize: 20 };
  const train = reverseTask({ count: quick ? 200 : 20_000, ...range, seed: 1 });
  const test = reverseTask({ count: quick ? 20 : 500, ...range, seed: 2 });
  const vocab = Vocab.build(train.flatMap((e) => [e.source, e.target]));
  const encode = (e: { source: string[]; target: string[] }): Example => ({
    source: vocab.encode(e.source),
    target: vocab.encode(e.target),
  });
  const cells: Seq2SeqRace['cells'] = [];
  for (const cell of ['gru', 'lstm'] as const) {
    const model = new Seq2Seq({
      sourceVocabSize: vocab.size,
      targetVocabSize: vocab.size,
      ...VOCAB_SPECIAL_IDS,
      cell,
      embeddingSize: quick ? 8 : 32,
      hiddenSize: quick ? 8 : 64,
      attention: 'bahdanau',
      seed: 1,
    });
    const trainer = new Trainer(model, { batchSize: 32, learningRate: 3e-3, seed: 1 });
    const started = performance.now();
    await trainer.fit({ train: train.map(encode), maxSteps: steps });
    const seconds = (performance.now() - started) / 1000;
    const encoded = test.map(encode);
    const hypotheses = greedyDecode(
      model,
      encoded.map((e) => e.source),
    );
    cells.push({
      cell,
      parameters: model.numParameters(),
      exactMatch: exactMatch(
        hypotheses.map((h, i) => ({ prediction: h.tokens, references: [encoded[i]!.target] })),
      ),
      seconds,
      msPerStep: (1000 * seconds) / steps,
    });
    trainer.dispose();
    model.dispose();
  }
  return {
    task: `reverse, lengths ${range.minLength}–${range.maxLength}, ${range.vocabularySize} symbols, batch 32, Adam 3e-3`,
    steps,
    cells,
  };
}
