import { copyTask, Vocab } from '@gated/datasets';
import { VOCAB_SPECIAL_IDS } from '@gated/models';
import { type AttentionKind, greedyDecode, Seq2Seq, Trainer } from '@gated/seq2seq';
import type { Progress } from '../progress';
import type { ClaimsResults } from './claims-results';
import { bottleneckVerdicts } from './verdicts';

/** Claims 5 and 6: exact match against source length, with and without attention, and reversed. */
export async function bottleneck(
  quick: boolean,
  progress?: Progress,
): Promise<ClaimsResults['bottleneck']> {
  const [minLength, maxLength] = quick ? [3, 6] : [5, 30];
  const steps = quick ? 10 : 1500;
  const make = (count: number, seed: number) =>
    copyTask({ count, minLength, maxLength, vocabularySize: 20, seed });
  const train = make(quick ? 200 : 20_000, 1);
  const test = make(quick ? 40 : 2_000, 2);
  const vocab = Vocab.build(train.map((e) => e.source));
  const encode = (examples: typeof train) =>
    examples.map((e) => ({ source: vocab.encode(e.source), target: vocab.encode(e.target) }));
  const lengths = Array.from({ length: maxLength - minLength + 1 }, (_, i) => minLength + i);
  const base = {
    sourceVocabSize: vocab.size,
    targetVocabSize: vocab.size,
    ...VOCAB_SPECIAL_IDS,
    cell: 'gru' as const,
    embeddingSize: 32,
    seed: 1,
  };
  // Similar parameter counts: the fixed-vector model gets a wider state to hold the whole input.
  const variants: Array<{
    name: 'attention' | 'noAttention' | 'noAttentionReversed';
    attention: AttentionKind;
    hiddenSize: number;
    reverseSource: boolean;
  }> = [
    { name: 'attention', attention: 'bahdanau', hiddenSize: quick ? 16 : 96, reverseSource: false },
    { name: 'noAttention', attention: 'none', hiddenSize: quick ? 18 : 128, reverseSource: false },
    {
      name: 'noAttentionReversed',
      attention: 'none',
      hiddenSize: quick ? 18 : 128,
      reverseSource: true,
    },
  ];
  const accuracy: Record<string, number[]> = {};
  const parameters: Record<string, number> = {};
  for (const variant of variants) {
    const model = new Seq2Seq({
      ...base,
      attention: variant.attention,
      hiddenSize: variant.hiddenSize,
      reverseSource: variant.reverseSource,
      bidirectional: variant.attention !== 'none',
    });
    parameters[variant.name] = model.numParameters();
    const trainer = new Trainer(model, {
      batchSize: 64,
      learningRate: 3e-3,
      schedule: { type: 'warmup-cosine', warmupSteps: 100, totalSteps: steps, minFactor: 0.05 },
      seed: 1,
    });
    await trainer.fit({ train: encode(train), maxSteps: steps });
    trainer.dispose();
    const encoded = encode(test);
    const correct = new Map<number, [number, number]>();
    for (let from = 0; from < encoded.length; from += 256) {
      const chunk = encoded.slice(from, from + 256);
      greedyDecode(
        model,
        chunk.map((e) => e.source),
      ).forEach((h, i) => {
        const target = chunk[i]!.target;
        const [hit, total] = correct.get(target.length) ?? [0, 0];
        const same = h.tokens.length === target.length && h.tokens.every((t, j) => t === target[j]);
        correct.set(target.length, [hit + (same ? 1 : 0), total + 1]);
      });
    }
    accuracy[variant.name] = lengths.map((length) => {
      const [hit, total] = correct.get(length) ?? [0, 0];
      return total === 0 ? Number.NaN : hit / total;
    });
    model.dispose();
    progress?.tick(`bottleneck: ${variant.name}`);
  }
  const verdicts = bottleneckVerdicts(
    lengths,
    accuracy.attention!,
    accuracy.noAttention!,
    accuracy.noAttentionReversed!,
  );
  return {
    lengths,
    attention: accuracy.attention!,
    noAttention: accuracy.noAttention!,
    noAttentionReversed: accuracy.noAttentionReversed!,
    parameters: { attention: parameters.attention!, noAttention: parameters.noAttention! },
    trainingSteps: steps,
    task: `copy, lengths ${minLength}–${maxLength}, 20 symbols, ${train.length} training examples`,
    ...verdicts,
  };
}
