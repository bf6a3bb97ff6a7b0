import { GRU, LSTM, RNN } from '@gated/cells';
import { copyTask, Vocab } from '@gated/datasets';
import { type AttentionKind, greedyDecode, Seq2Seq, Trainer } from '@gated/seq2seq';
import * as tf from '@tensorflow/tfjs';
import { describeMachine, type MachineDescription } from '../machine';
import type { Progress } from '../progress';
import { bottleneckVerdicts, vanishingVerdict } from './verdicts';

/**
 * The schema of `results/claims.json`. Each claim of the seed is an experiment whose verdict
 * is computed from the data below it.
 */
export interface ClaimsResults {
  suite: 'claims';
  schemaVersion: 1;
  quick: boolean;
  machine: MachineDescription;
  parameterCounts: {
    rows: Array<{ kind: string; input: number; hidden: number; measured: number; formula: number }>;
    verdict: string;
  };
  vanishingGradients: {
    distances: number[];
    /** Mean ‖∂L/∂x_t‖ at each distance from the output, per kind (untrained, PyTorch init). */
    rnn: number[];
    lstm: number[];
    gru: number[];
    length: number;
    seeds: number;
    verdict: string;
  };
  bottleneck: {
    lengths: number[];
    /** Exact match per source length, attention model. */
    attention: number[];
    /** Exact match per source length, fixed-vector model. */
    noAttention: number[];
    /** Exact match per source length, fixed-vector model reading the source reversed. */
    noAttentionReversed: number[];
    parameters: { attention: number; noAttention: number };
    trainingSteps: number;
    task: string;
    verdict: string;
    reversalVerdict: string;
  };
}

/** Claim 1: parameter counts, measured against the closed forms. */
function parameterCounts(): ClaimsResults['parameterCounts'] {
  const gates = { rnn: 1, gru: 3, lstm: 4 } as const;
  const rows = (['lstm', 'gru', 'rnn'] as const).flatMap((kind) =>
    [
      [16, 32],
      [7, 5],
      [32, 128],
    ].map(([input, hidden]) => {
      const Layer = kind === 'lstm' ? LSTM : kind === 'gru' ? GRU : RNN;
      const layer = new Layer({ inputSize: input!, hiddenSize: hidden!, seed: 1 });
      const measured = layer.numParameters();
      layer.dispose();
      // G gate blocks, each an input matrix, a recurrent matrix and two biases.
      return {
        kind: kind.toUpperCase(),
        input: input!,
        hidden: hidden!,
        measured,
        formula: gates[kind] * hidden! * (input! + hidden! + 2),
      };
    }),
  );
  const lstm = rows.find((r) => r.kind === 'LSTM' && r.input === 16)!.measured;
  const gru = rows.find((r) => r.kind === 'GRU' && r.input === 16)!.measured;
  const allMatch = rows.every((r) => r.measured === r.formula);
  return {
    rows,
    verdict: `LSTM(16→32) has ${lstm} parameters and GRU(16→32) ${gru}, as the seed says (6400 vs 4800: the GRU has 3 gate blocks to the LSTM's 4, so 3/4 of the parameters); every count ${allMatch ? 'matches' : 'does NOT match'} G·H·(I + H + 2).`,
  };
}

/** Claim 2: how the gradient reaching x_t shrinks with distance, per kind, at initialisation. */
function vanishingGradients(quick: boolean): ClaimsResults['vanishingGradients'] {
  const length = quick ? 20 : 100;
  const seeds = quick ? 2 : 5;
  const [input, hidden, batch] = [8, 32, 16];
  const norms: Record<'rnn' | 'lstm' | 'gru', number[]> = { rnn: [], lstm: [], gru: [] };
  for (const kind of ['rnn', 'lstm', 'gru'] as const) {
    const sums = new Float64Array(length);
    for (let seed = 1; seed <= seeds; seed++) {
      const Layer = kind === 'lstm' ? LSTM : kind === 'gru' ? GRU : RNN;
      const layer = new Layer({ inputSize: input, hiddenSize: hidden, batchFirst: true, seed });
      const x = tf.variable(tf.randomNormal([batch, length, input], 0, 1, 'float32', seed));
      const w = tf.randomNormal([batch, hidden], 0, 1, 'float32', seed + 100);
      const { value, grads } = tf.variableGrads(() => {
        const { hN } = layer.forward(x as tf.Tensor3D);
        return tf.sum(tf.mul(tf.squeeze(hN, [0]), w)) as tf.Scalar; // a loss on the last step only
      }, [x]);
      const norm = tf.tidy(() => tf.sqrt(tf.sum(tf.square(grads[x.name]!), [0, 2]))); // ‖∂L/∂x_t‖ per t
      const perStep = norm.dataSync();
      norm.dispose();
      for (let t = 0; t < length; t++)
        sums[length - 1 - t] = (sums[length - 1 - t] ?? 0) + perStep[t]! / seeds;
      tf.dispose([value, ...Object.values(grads), x, w]);
      layer.dispose();
    }
    norms[kind] = Array.from(sums);
  }
  const distances = Array.from({ length }, (_, d) => d);
  const verdict = vanishingVerdict(distances, norms.rnn, norms.lstm, norms.gru);
  return { distances, ...norms, length, seeds, verdict };
}

/** Claims 5 and 6: exact match against source length, with and without attention, and reversed. */
async function bottleneck(
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
    padId: 0,
    bosId: 1,
    eosId: 2,
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

export async function runClaims(quick: boolean, progress?: Progress): Promise<ClaimsResults> {
  const counts = parameterCounts();
  progress?.tick('parameter counts');
  const gradients = vanishingGradients(quick);
  progress?.tick('vanishing gradients');
  return {
    suite: 'claims',
    schemaVersion: 1,
    quick,
    machine: describeMachine(),
    parameterCounts: counts,
    vanishingGradients: gradients,
    bottleneck: await bottleneck(quick, progress),
  };
}
