import type { Seq2Seq } from '@gated/seq2seq';
import * as tf from '@tensorflow/tfjs';

/** A weight as plain numbers: row-major values and shape. */
interface Matrix {
  values: Float32Array;
  shape: number[];
}

/** Rows `rows` and columns `cols` of a 2-D (or 1-D, rows only) matrix. */
function pick(m: Matrix, rows: readonly number[], cols?: readonly number[]): Matrix {
  if (m.shape.length === 1)
    return { values: Float32Array.from(rows, (r) => m.values[r]!), shape: [rows.length] };
  const width = m.shape[1]!;
  const keep = cols ?? Array.from({ length: width }, (_, i) => i);
  const values = new Float32Array(rows.length * keep.length);
  rows.forEach((r, i) => {
    keep.forEach((c, j) => {
      values[i * keep.length + j] = r < 0 ? 0 : m.values[r * width + c]!;
    });
  });
  return { values, shape: [rows.length, keep.length] };
}

/** The rows of the kept units in each of the `gates` blocks of an RNN weight (PyTorch order). */
function gateRows(units: readonly number[], width: number, gates: number): number[] {
  return Array.from({ length: gates }, (_, g) => units.map((u) => g * width + u)).flat();
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export interface WarmStartOptions {
  /** The trained model's weights by name (`model.stateDict()` of a loaded checkpoint). */
  from: Record<string, Tensor>;
  /** Its target vocabulary (without stress: `AH`) and the new one (`AH0`, `AH1`, …). */
  fromTargets: readonly string[];
  toTargets: readonly string[];
  /**
   * How often each new target token occurs in training, so that the output bias of `AH0`
   * starts at `bias(AH) + log(count(AH0) / count(AH))`: the old model's distribution, split
   * by how often each stress occurs.
   */
  targetCounts: ReadonlyMap<string, number>;
}
type Tensor = tf.Tensor;

/**
 * Starts a narrower, stress-aware model from a wider stress-free one of the same design
 * (bi-LSTM encoder, Bahdanau LSTM decoder without a bridge layer): keeps the first units of
 * each encoder direction and the matching decoder, attention and combine units (the encoder's
 * concatenated state is the decoder's initial state, so unit j stays unit j), keeps the
 * embeddings, and gives each stressed phoneme (`AH0`, `AH1`) the embedding and output row of its
 * bare phoneme (`AH`). A form of net2net / pruning initialisation (Chen et al. 2016 widen; we
 * narrow): the training that follows repairs what the removed units carried.
 *
 * @param model the new model, its weights replaced
 */
export function warmStart(model: Seq2Seq, options: WarmStartOptions): void {
  const config = model.config;
  const old: Record<string, Matrix> = {};
  for (const [name, t] of Object.entries(options.from))
    old[name] = { values: t.dataSync() as Float32Array, shape: t.shape };
  const get = (name: string) => {
    const m = old[name];
    if (!m) throw new Error(`warmStart: the trained model has no '${name}'`);
    return m;
  };
  const oldH = get('decoder.rnn.weight_hh_l0').shape[1]!;
  const oldHalf = oldH / 2;
  const half = config.encoderHiddenSize / 2;
  const H = config.hiddenSize;
  if (H !== 2 * half || half > oldHalf)
    throw new Error(
      `warmStart: expected a new encoder of at most ${oldHalf} units per direction and hiddenSize = 2 × that, got ${half} and ${H}`,
    );
  const E = config.embeddingSize;
  if (get('encoder.embedding.weight').shape[1] !== E)
    throw new Error('warmStart: the embedding sizes must match');
  // Encoder units kept per direction, and their places in the concatenated state / output.
  const perDirection = range(half);
  const joined = [...perDirection, ...perDirection.map((u) => oldHalf + u)];
  const targetRow = options.toTargets.map((token) => {
    const bare = token.replace(/[012]$/, '');
    return options.fromTargets.indexOf(bare);
  });
  const bare = new Map<string, number>();
  for (const [token, count] of options.targetCounts) {
    const b = token.replace(/[012]$/, '');
    bare.set(b, (bare.get(b) ?? 0) + count);
  }
  const logShare = options.toTargets.map((token) => {
    const b = token.replace(/[012]$/, '');
    const count = options.targetCounts.get(token) ?? 0;
    const total = bare.get(b) ?? 0;
    return total > 0 && count > 0 ? Math.log(count / total) : total > 0 ? -10 : 0;
  });
  const embedRows = (m: Matrix) =>
    pick(
      m,
      targetRow.map((r) => (r < 0 ? 3 : r)),
    );
  const made: Record<string, Matrix> = {};
  for (const suffix of ['', '_reverse']) {
    made[`encoder.rnn.weight_ih_l0${suffix}`] = pick(
      get(`encoder.rnn.weight_ih_l0${suffix}`),
      gateRows(perDirection, oldHalf, 4),
    );
    made[`encoder.rnn.weight_hh_l0${suffix}`] = pick(
      get(`encoder.rnn.weight_hh_l0${suffix}`),
      gateRows(perDirection, oldHalf, 4),
      perDirection,
    );
    for (const b of ['bias_ih_l0', 'bias_hh_l0'])
      made[`encoder.rnn.${b}${suffix}`] = pick(
        get(`encoder.rnn.${b}${suffix}`),
        gateRows(perDirection, oldHalf, 4),
      );
  }
  made['encoder.embedding.weight'] = get('encoder.embedding.weight');
  made['decoder.embedding.weight'] = embedRows(get('decoder.embedding.weight'));
  // Decoder input: [embedding (E); context (encoder outputs, joined)].
  const decoderInput = [...range(E), ...joined.map((j) => E + j)];
  made['decoder.rnn.weight_ih_l0'] = pick(
    get('decoder.rnn.weight_ih_l0'),
    gateRows(joined, oldH, 4),
    decoderInput,
  );
  made['decoder.rnn.weight_hh_l0'] = pick(
    get('decoder.rnn.weight_hh_l0'),
    gateRows(joined, oldH, 4),
    joined,
  );
  for (const b of ['bias_ih_l0', 'bias_hh_l0'])
    made[`decoder.rnn.${b}`] = pick(get(`decoder.rnn.${b}`), gateRows(joined, oldH, 4));
  made['decoder.attention.key_layer.weight'] = pick(
    get('decoder.attention.key_layer.weight'),
    joined,
    joined,
  );
  made['decoder.attention.query_layer.weight'] = pick(
    get('decoder.attention.query_layer.weight'),
    joined,
    joined,
  );
  made['decoder.attention.energy_layer.weight'] = pick(
    get('decoder.attention.energy_layer.weight'),
    [0],
    joined,
  );
  // combine: [decoder state; context] → H.
  made['decoder.combine.weight'] = pick(get('decoder.combine.weight'), joined, [
    ...joined,
    ...joined.map((j) => oldH + j),
  ]);
  const projection = get('decoder.output.projection.weight');
  made['decoder.output.projection.weight'] = pick(
    projection,
    targetRow.map((r) => (r < 0 ? 3 : r)),
    joined,
  );
  const bias = get('decoder.output.projection.bias');
  made['decoder.output.projection.bias'] = {
    values: Float32Array.from(targetRow, (r, i) => (r < 0 ? -10 : bias.values[r]!) + logShare[i]!),
    shape: [targetRow.length],
  };
  const dict = tf.tidy(() => {
    const out: Record<string, tf.Tensor> = {};
    for (const [name, m] of Object.entries(made)) out[name] = tf.tensor(m.values, m.shape);
    return out;
  });
  try {
    model.loadStateDict(dict);
  } finally {
    tf.dispose(Object.values(dict));
  }
}
