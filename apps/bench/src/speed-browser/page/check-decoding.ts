/*
 * Greedy decoding in one accelerator call (wasm/decode.c), checked where it runs: on two kernel
 * threads against one, on the page's main thread and in the gated worker (where the demo decodes).
 */
import { greedyDecode, type Hypothesis, Seq2Seq } from '@gated/seq2seq';
import { installWasmKernels } from '@gated/wasm';
import * as tf from '@tensorflow/tfjs';
import type { DecodingCheck } from '../protocol';

/**
 * Greedy decoding in one call (wasm/decode.c), 13 sources: on two kernel threads its rows are
 * dealt out between the pool's threads; the tokens must be one thread's and the scores too.
 */
export async function checkDecoding(): Promise<DecodingCheck> {
  const model = new Seq2Seq({
    sourceVocabSize: 13,
    targetVocabSize: 17,
    padId: 0,
    bosId: 1,
    eosId: 2,
    embeddingSize: 9,
    hiddenSize: 22,
    cell: 'lstm',
    attention: 'bahdanau',
    seed: 5,
  });
  const sources = Array.from({ length: 13 }, (_, i) =>
    Array.from({ length: 2 + (i % 6) }, (_, j) => 3 + ((i * 7 + j * 3) % 10)),
  );
  const decode = async (threads: number) => {
    const status = await installWasmKernels({ threads });
    let hypotheses: Hypothesis[] = [];
    const profile = await tf.profile(() => {
      hypotheses = greedyDecode(model, sources, { maxLength: 12 });
      return [] as unknown as tf.TensorContainer;
    });
    return { hypotheses, kernels: profile.kernelNames, threads: status.threads };
  };
  const two = await decode(2);
  const one = await decode(1);
  model.dispose();
  return {
    sources: sources.length,
    kernelThreads: two.threads,
    sameTokens:
      two.hypotheses.length === sources.length &&
      one.hypotheses.length === sources.length &&
      two.hypotheses.every((h, i) => h.tokens.join(' ') === one.hypotheses[i]!.tokens.join(' ')),
    maxScoreDifference: Math.max(
      ...two.hypotheses.map((h, i) => Math.abs(h.score - one.hypotheses[i]!.score)),
    ),
    kernels: [...new Set(two.kernels)],
  };
}
