import { Module, seededRandom, withTransposedWeights } from '@gated/cells';
import type { Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { AttentionDecoder } from './attention-decoder';
import type { SourceBatch, TrainingBatch } from './batch';
import { Bridge } from './bridge';
import { type ResolvedConfig, resolveConfig, type Seq2SeqConfig } from './config';
import { Decoder } from './decoder';
import type {
  DecoderMemory,
  DecoderState,
  DecoderStepOutput,
  ExplainedStepOutput,
} from './decoder-state';
import { Encoder } from './encoder';

/** The decoder's view of an encoded source batch. */
export interface Encoded {
  memory: DecoderMemory;
  /** The state before the first decoder step. */
  state: DecoderState;
}

/** Options of `Seq2Seq.teacherForcedLogits`. */
export interface TeacherForcingOptions {
  /** Probability of feeding the gold previous token rather than the model's own guess. Default 1. */
  ratio?: number;
  /** Seeds this call's dropout masks and teacher-forcing draws. Default 0. */
  seed?: number;
}

/**
 * An encoder-decoder model (Sutskever, Vinyals & Le 2014), with attention (Bahdanau, Cho &
 * Bengio 2014; Luong, Pham & Manning 2015) or without. Token ids in, token ids out.
 *
 * @example
 * const model = new Seq2Seq({ sourceVocabSize: 30, targetVocabSize: 40, bosId: 1, eosId: 2, padId: 0 });
 * const [best] = greedyDecode(model, [[5, 9, 7]]);
 */
export class Seq2Seq extends Module {
  readonly config: ResolvedConfig;
  readonly encoder: Encoder;
  readonly bridge: Bridge;
  readonly decoder: Decoder | AttentionDecoder;

  constructor(config: Seq2SeqConfig) {
    super();
    this.config = resolveConfig(config);
    this.encoder = this.registerModule('encoder', new Encoder(this.config));
    this.bridge = this.registerModule('bridge', new Bridge(this.config));
    this.decoder = this.registerModule(
      'decoder',
      this.config.attention === 'none'
        ? new Decoder(this.config)
        : new AttentionDecoder(this.config),
    );
  }

  /** Encodes a source batch once: the memory every decoder step reads, and the initial state. */
  encode(batch: SourceBatch, dropoutSeed = 0): Encoded {
    return tf.tidy(() => {
      const encoded = this.encoder.forward(batch.source, batch.lengths, dropoutSeed);
      const memory: DecoderMemory = { outputs: encoded.outputs, mask: batch.mask };
      if (this.decoder instanceof AttentionDecoder) {
        memory.projectedKeys = this.decoder.attention.projectKeys(encoded.outputs);
      }
      const state = this.decoder.initialState(this.bridge.forward(encoded), batch.lengths.length);
      return {
        memory: { ...memory, mask: tf.clone(batch.mask) },
        state,
      } as unknown as tf.TensorContainer;
    }) as unknown as Encoded;
  }

  /**
   * One decoder step: previous tokens `[B]` int32 → next-token logits `[B, V]`, the new state,
   * and (with attention) this step's attention weights `[B, S]`.
   */
  step(
    previous: Tensor1D,
    state: DecoderState,
    memory: DecoderMemory,
    dropoutSeed = 0,
  ): DecoderStepOutput {
    return tf.tidy(
      () =>
        this.decoder.step(previous, state, memory, dropoutSeed) as unknown as tf.TensorContainer,
    ) as unknown as DecoderStepOutput;
  }

  /**
   * `step`, plus (with attention) the scores, weights and context of this step in `detail`, for
   * showing how the step was computed; the other outputs equal `step`'s. The tensors are the
   * caller's to dispose.
   */
  explainStep(
    previous: Tensor1D,
    state: DecoderState,
    memory: DecoderMemory,
    dropoutSeed = 0,
  ): ExplainedStepOutput {
    return tf.tidy(() =>
      this.decoder instanceof AttentionDecoder
        ? (this.decoder.explainStep(
            previous,
            state,
            memory,
            dropoutSeed,
          ) as unknown as tf.TensorContainer)
        : (this.decoder.step(
            previous,
            state,
            memory,
            dropoutSeed,
          ) as unknown as tf.TensorContainer),
    ) as unknown as ExplainedStepOutput;
  }

  /**
   * Logits `[B, T, V]` for every target position, feeding the gold previous token with
   * probability `ratio` (teacher forcing, Williams & Zipser 1989) and the model's own argmax
   * otherwise, decided per time step for the whole batch.
   */
  teacherForcedLogits(batch: TrainingBatch, options: TeacherForcingOptions = {}): Tensor3D {
    const ratio = options.ratio ?? 1;
    const seed = options.seed ?? 0;
    const coin = seededRandom(seed ^ 0x5eed);
    // Every decoder step reuses the same weights: transpose them once for the whole batch.
    return withTransposedWeights(() =>
      tf.tidy(() => {
        const { memory, state: initial } = this.encode(batch, seed);
        const gold = tf.unstack(batch.targetInput, 1) as Tensor1D[]; // T × [B]
        const logits: Tensor2D[] = [];
        let state = initial;
        for (let t = 0; t < gold.length; t++) {
          const useGold = t === 0 || ratio >= 1 || coin() < ratio;
          const previous = useGold ? gold[t]! : (tf.argMax(logits[t - 1]!, 1) as Tensor1D);
          const out = this.decoder.step(previous, state, memory, seed + 1000 + 4 * t);
          logits.push(out.logits);
          state = out.state;
        }
        return tf.stack(logits, 1) as Tensor3D;
      }),
    );
  }
}
