import { Embedding, GRU, Linear, LSTM, Module, RNN } from '@gated/cells';
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

export type ClassifierCell = 'rnn' | 'lstm' | 'gru';

export interface SequenceClassifierConfig {
  cell: ClassifierCell;
  /** Token ids are 0 … vocabSize − 1. */
  vocabSize: number;
  embeddingSize: number;
  hiddenSize: number;
  /** Output classes. */
  classes: number;
  /** Seeds every initialisation; the same seed gives the same model. */
  seed: number;
  /**
   * Standard deviation of Gaussian noise added to every embedded input, fresh at each call
   * (interference the memory must withstand: an embedding cannot learn to silence it). Default 0.
   */
  inputNoise?: number;
}

/** Per step, each `[T, H]` for the first sequence of the batch: gate activations, `c`, `h`. */
export type GateTraceValues = Record<string, number[][]>;

/**
 * Embedding → one recurrent layer → a linear readout of the last hidden state: the model of the
 * demo's LSTM and GRU-vs-LSTM sections (and of the pretrained long-range recall model).
 */
export class SequenceClassifier extends Module {
  readonly embedding: Embedding;
  readonly recurrent: RNN | LSTM | GRU;
  readonly readout: Linear;
  private noiseCalls = 0;

  constructor(readonly config: SequenceClassifierConfig) {
    super();
    const { cell, vocabSize, embeddingSize, hiddenSize, classes, seed } = config;
    this.embedding = this.registerModule(
      'embedding',
      new Embedding({ numEmbeddings: vocabSize, embeddingDim: embeddingSize, seed }),
    );
    const layer = { inputSize: embeddingSize, hiddenSize, batchFirst: true, seed: seed + 1 };
    const recurrent =
      cell === 'lstm' ? new LSTM(layer) : cell === 'gru' ? new GRU(layer) : new RNN(layer);
    this.recurrent = this.registerModule('recurrent', recurrent);
    this.readout = this.registerModule(
      'readout',
      new Linear({ inFeatures: hiddenSize, outFeatures: classes, seed: seed + 2 }),
    );
  }

  /**
   * @param tokens `[B, T]` int32 token ids (all sequences of one length)
   * @returns logits `[B, classes]`
   */
  forward(tokens: Tensor2D): Tensor2D {
    return tf.tidy(() => {
      const x = this.embed(tokens); // [B, T, E]
      const { hN } = this.recurrent.forward(x);
      const last = tf.squeeze(hN, [0]) as Tensor2D; // [B, H]
      return this.readout.forward(last) as Tensor2D;
    });
  }

  /**
   * The logits and, for the first sequence, every gate and state per step (`[T, H]` arrays):
   * LSTM `input`, `forget`, `cell`, `output`, `cellState`, `hidden`; GRU `reset`, `update`, `new`,
   * `hidden`; RNN `hidden`.
   */
  trace(tokens: Tensor2D): { logits: number[][]; gates: GateTraceValues } {
    const { logits, named } = tf.tidy(() => {
      const x = this.embed(tokens);
      const result = this.recurrent.forward(x, { trace: true });
      const layer = result.trace?.[0]?.forward ?? {};
      const named = Object.entries(layer).map(
        ([name, values]) =>
          [name, tf.squeeze(tf.slice(values as Tensor3D, [0, 0, 0], [-1, 1, -1]), [1])] as const,
      );
      const logits = this.readout.forward(tf.squeeze(result.hN, [0])) as Tensor2D;
      return { logits, named: Object.fromEntries(named) };
    });
    const gates: GateTraceValues = {};
    for (const [name, tensor] of Object.entries(named))
      gates[name] = tensor.arraySync() as number[][];
    const values = logits.arraySync();
    tf.dispose([logits, ...Object.values(named)]);
    return { logits: values, gates };
  }

  private embed(tokens: Tensor2D): Tensor3D {
    const x = this.embedding.forward(tokens) as Tensor3D;
    const std = this.config.inputNoise ?? 0;
    if (std <= 0) return x;
    const noise = tf.randomNormal(
      x.shape,
      0,
      std,
      'float32',
      this.config.seed * 1_000_003 + this.noiseCalls++,
    );
    return tf.add(x, noise) as Tensor3D;
  }

  /** Mean softmax cross-entropy of `[B, classes]` logits against `[B]` int32 labels. */
  loss(tokens: Tensor2D, labels: tf.Tensor1D): tf.Scalar {
    return tf.tidy(() => {
      const logits = this.forward(tokens);
      const oneHot = tf.oneHot(labels, this.config.classes);
      return tf.losses.softmaxCrossEntropy(oneHot, logits) as tf.Scalar;
    });
  }
}
