import { GRU, LSTM, RNN } from '@gated/cells';
import * as tf from '@tensorflow/tfjs';

/** One point of the speed grid: a layer kind and its sizes. */
export interface SpeedConfig {
  kind: 'rnn' | 'lstm' | 'gru';
  batch: number;
  length: number;
  input: number;
  hidden: number;
}

/** Something that can run one training step and one inference on a fixed batch. */
export interface Subject {
  /** One Adam update on MSE of the last hidden state against a fixed target. */
  train(): void;
  /** A forward pass, waiting for the result. */
  infer(): void;
  /** Bytes of tensors alive right after the forward pass of a training step (activations). */
  activationBytes(): number;
  dispose(): void;
}

const SEED = 42;

export function makeGatedLayer(config: SpeedConfig): LSTM | GRU | RNN {
  const options = {
    inputSize: config.input,
    hiddenSize: config.hidden,
    batchFirst: true,
    seed: SEED,
  };
  if (config.kind === 'lstm') return new LSTM(options);
  if (config.kind === 'gru') return new GRU(options);
  return new RNN(options);
}

function fixedBatch(config: SpeedConfig): { x: tf.Tensor3D; y: tf.Tensor2D } {
  return {
    x: tf.randomNormal(
      [config.batch, config.length, config.input],
      0,
      1,
      'float32',
      1,
    ) as tf.Tensor3D,
    y: tf.randomNormal([config.batch, config.hidden], 0, 1, 'float32', 2) as tf.Tensor2D,
  };
}

/** Our layer, trained with tfjs's Adam so that only the layer differs from the tf.layers peer. */
export function gatedSubject(config: SpeedConfig): Subject {
  const layer = makeGatedLayer(config);
  const { x, y } = fixedBatch(config);
  const optimizer = tf.train.adam(1e-3);
  let bytesAfterForward = 0;
  return {
    train() {
      const cost = optimizer.minimize(
        () => {
          const { hN } = layer.forward(x);
          bytesAfterForward = tf.memory().numBytes;
          return tf.losses.meanSquaredError(y, tf.squeeze(hN, [0])) as tf.Scalar;
        },
        true,
        layer.parameters(),
      );
      cost!.dataSync();
      cost!.dispose();
    },
    infer() {
      const result = layer.forward(x) as { output: tf.Tensor; hN: tf.Tensor; cN?: tf.Tensor };
      result.hN.dataSync();
      tf.dispose(
        [result.output, result.hN, result.cN].filter((t): t is tf.Tensor => t !== undefined),
      );
    },
    activationBytes: () => bytesAfterForward,
    dispose() {
      layer.dispose();
      optimizer.dispose();
      tf.dispose([x, y]);
    },
  };
}

/**
 * `tf.layers` (tfjs-layers 4.22) with the same weights where the formulations agree: Keras LSTM
 * and SimpleRNN take W_ihᵀ, W_hhᵀ and b_ih + b_hh (gate order i, f, c, o = PyTorch's i, f, g, o).
 * Keras's GRU applies the reset gate before the recurrent matmul (reset_after = false), a
 * different function from PyTorch's, so it keeps its own initial weights.
 */
export function tfLayersSubject(
  config: SpeedConfig,
): Subject & { sameWeights: boolean; output(): tf.Tensor } {
  // tfjs-layers defaults the recurrent activation to hard sigmoid; PyTorch (and we) use sigmoid.
  const options = {
    units: config.hidden,
    inputShape: [config.length, config.input],
    recurrentActivation: 'sigmoid' as const,
  };
  const { recurrentActivation, ...plain } = options;
  const layer =
    config.kind === 'lstm'
      ? tf.layers.lstm(options)
      : config.kind === 'gru'
        ? tf.layers.gru(options)
        : tf.layers.simpleRNN({ ...plain, activation: 'tanh' });
  void recurrentActivation;
  const model = tf.sequential({ layers: [layer] });
  const sameWeights = config.kind !== 'gru';
  if (sameWeights) {
    const ours = makeGatedLayer(config);
    const dict = ours.stateDict();
    layer.setWeights(
      tf.tidy(() => [
        tf.transpose(dict.weight_ih_l0!),
        tf.transpose(dict.weight_hh_l0!),
        tf.add(dict.bias_ih_l0!, dict.bias_hh_l0!),
      ]),
    );
    tf.dispose(Object.values(dict));
    ours.dispose();
  }
  const { x, y } = fixedBatch(config);
  const optimizer = tf.train.adam(1e-3);
  const variables = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  let bytesAfterForward = 0;
  return {
    sameWeights,
    train() {
      const cost = optimizer.minimize(
        () => {
          const out = model.apply(x) as tf.Tensor;
          bytesAfterForward = tf.memory().numBytes;
          return tf.losses.meanSquaredError(y, out) as tf.Scalar;
        },
        true,
        variables,
      );
      cost!.dataSync();
      cost!.dispose();
    },
    infer() {
      const out = model.predict(x) as tf.Tensor;
      out.dataSync();
      out.dispose();
    },
    output: () => model.predict(x) as tf.Tensor,
    activationBytes: () => bytesAfterForward,
    dispose() {
      for (const layer of model.layers) layer.dispose();
      optimizer.dispose();
      tf.dispose([x, y]);
    },
  };
}

/**
 * Median wall time in ms of at least `reps` runs, after at least `warmup` runs. With `minMs`, both
 * phases also last at least that long: a fast subject gets as much warm-up time as a slow one
 * (its JIT-compiled code settles), and more samples for its median.
 */
export function timeMs(run: () => void, warmup: number, reps: number, minMs = 0): number {
  const warmStart = performance.now();
  for (let i = 0; i < warmup || performance.now() - warmStart < minMs; i++) run();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < reps || performance.now() - start < minMs) {
    const before = performance.now();
    run();
    times.push(performance.now() - before);
  }
  return median(times);
}

/** `timeMs` for work that completes asynchronously (onnxruntime's session.run). */
export async function timeMsAsync(
  run: () => Promise<unknown>,
  warmup: number,
  reps: number,
  minMs = 0,
): Promise<number> {
  const warmStart = performance.now();
  for (let i = 0; i < warmup || performance.now() - warmStart < minMs; i++) await run();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < reps || performance.now() - start < minMs) {
    const before = performance.now();
    await run();
    times.push(performance.now() - before);
  }
  return median(times);
}

/** The median of some timings (sorts them in place). */
export function median(times: number[]): number {
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
