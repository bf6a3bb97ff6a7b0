import { Embedding, GRU, Linear, LSTM, RNN } from '@gated/cells';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/helpers';
import type { KerasConfig } from './keras-options';
import { type KerasTarget, loadKerasWeights } from './load-keras-weights';

// Input 7, units 5: kernel [7, G·5], recurrent_kernel [5, G·5].
const r = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
const lstmWeights = (prefix = 'lstm') => ({
  [`${prefix}/kernel`]: r([7, 20], 1),
  [`${prefix}/recurrent_kernel`]: r([5, 20], 2),
  [`${prefix}/bias`]: r([20], 3),
});
const gruWeights = () => ({
  'gru/kernel': r([7, 15], 4),
  'gru/recurrent_kernel': r([5, 15], 5),
  'gru/bias': r([2, 15], 6),
});
const lstm = (extra = {}) =>
  new LSTM({ inputSize: 7, hiddenSize: 5, batchFirst: true, seed: 9, ...extra });

interface Refusal {
  name: string;
  target: () => KerasTarget;
  weights: () => Record<string, tf.Tensor>;
  config?: KerasConfig;
  message: RegExp;
}

const without = (weights: Record<string, tf.Tensor>, name: string) => {
  weights[name]!.dispose();
  delete weights[name];
  return weights;
};

const refusals: Refusal[] = [
  {
    name: 'a kernel of the wrong shape',
    target: lstm,
    weights: () => ({ ...without(lstmWeights(), 'lstm/kernel'), 'lstm/kernel': r([7, 16], 7) }),
    message: /weight 'lstm\/kernel' \(kernel\) has shape \[7, 16\], expected \[7, 20\]/,
  },
  {
    name: 'a missing weight',
    target: lstm,
    weights: () => without(lstmWeights(), 'lstm/recurrent_kernel'),
    message: /missing weight: recurrent_kernel \[5, 20\]/,
  },
  {
    name: 'an extra weight with an unknown role',
    target: lstm,
    weights: () => ({ ...lstmWeights(), 'lstm/gamma': r([5], 8) }),
    message:
      /unexpected weight 'lstm\/gamma': its last name segment must be one of kernel, recurrent_kernel, bias, embeddings/,
  },
  {
    name: 'an extra weight of a role the layer lacks',
    target: lstm,
    weights: () => ({ ...lstmWeights(), 'lstm/embeddings': r([5, 3], 8) }),
    message: /unexpected weight 'lstm\/embeddings' \(an LSTM has no embeddings\)/,
  },
  {
    name: 'two names for one weight',
    target: lstm,
    weights: () => ({ ...lstmWeights(), 'other/kernel': r([7, 20], 8) }),
    message: /weights 'lstm\/kernel' and 'other\/kernel' both give kernel/,
  },
  {
    name: 'a disposed tensor',
    target: lstm,
    weights: () => {
      const weights = lstmWeights();
      weights['lstm/bias']!.dispose();
      return weights;
    },
    message: /weight 'lstm\/bias' \(bias\) is a disposed tensor/,
  },
  {
    name: "recurrent_activation='hard_sigmoid' (tfjs-layers' default)",
    target: lstm,
    weights: () => lstmWeights(),
    config: { units: 5, recurrent_activation: 'hard_sigmoid' },
    message:
      /recurrent_activation='hard_sigmoid' is not supported \(gated runs recurrent_activation='sigmoid'\)/,
  },
  {
    name: 'GRU reset_after=False in the config',
    target: () => new GRU({ inputSize: 7, hiddenSize: 5 }),
    weights: gruWeights,
    config: { reset_after: false },
    message:
      /reset_after=False is not supported \(gated runs reset_after=True\); reset_after=False applies the reset gate before/,
  },
  {
    name: "GRU reset_after=False, seen in the bias's shape",
    target: () => new GRU({ inputSize: 7, hiddenSize: 5 }),
    weights: () => ({ ...without(gruWeights(), 'gru/bias'), 'gru/bias': r([15], 7) }),
    message: /has shape \[15\], expected \[2, 15\] — \[15\] is a reset_after=False GRU's bias/,
  },
  {
    name: 'activation relu on an LSTM',
    target: lstm,
    weights: () => lstmWeights(),
    config: { activation: 'relu' },
    message: /activation='relu' is not supported \(gated runs activation='tanh'\)/,
  },
  {
    name: 'go_backwards, stateful and time_major, all named at once',
    target: lstm,
    weights: () => lstmWeights(),
    config: { go_backwards: true, stateful: true, time_major: true },
    message:
      /go_backwards=True is not supported[\s\S]*stateful=True is not supported[\s\S]*time_major=True is not supported/,
  },
  {
    name: 'units that are not the hidden size',
    target: lstm,
    weights: () => lstmWeights(),
    config: { units: 6 },
    message: /the Keras layer has units=6, the target has hiddenSize 5/,
  },
  {
    name: 'a stacked target',
    target: () => lstm({ numLayers: 2 }),
    weights: () => lstmWeights(),
    message: /a Keras layer is one layer; the target has numLayers 2/,
  },
  {
    name: 'a projected LSTM',
    target: () => lstm({ projSize: 3 }),
    weights: () => lstmWeights(),
    message: /Keras LSTMs have no projection; the target has projSize 3/,
  },
  {
    name: "a SimpleRNN's activation that is not the RNN's nonlinearity",
    target: () => new RNN({ inputSize: 7, hiddenSize: 5, nonlinearity: 'relu' }),
    weights: () => ({
      'rnn/kernel': r([7, 5], 1),
      'rnn/recurrent_kernel': r([5, 5], 2),
      'rnn/bias': r([5], 3),
    }),
    message: /the Keras layer has activation='tanh', the target has nonlinearity 'relu'/,
  },
  {
    name: 'a Keras bias and a target without one',
    target: () => lstm({ bias: false }),
    weights: () => lstmWeights(),
    config: { use_bias: true },
    message: /the Keras layer has a bias \(use_bias=True\), the target has bias: false/,
  },
  {
    name: 'a Keras bias, no config, and a target without one',
    target: () => lstm({ bias: false }),
    weights: () => lstmWeights(),
    message:
      /unexpected weight 'lstm\/bias' \(the target has bias: false; a Keras layer with use_bias=True needs a target with biases\)/,
  },
  {
    name: "a Bidirectional's weights into a one-way target",
    target: lstm,
    weights: () => ({ ...lstmWeights('bi/forward_lstm'), ...lstmWeights('bi/backward_lstm') }),
    message:
      /unexpected weight 'bi\/forward_lstm\/kernel' \(a Bidirectional half, and the target is not bidirectional\)/,
  },
  {
    name: 'one-way weights into a bidirectional target',
    target: () => lstm({ bidirectional: true }),
    weights: () => lstmWeights(),
    message:
      /missing weight: forward kernel \[7, 20\][\s\S]*unexpected weight 'lstm\/kernel' \(a Bidirectional layer names its weights forward_…\/backward_…\)/,
  },
  {
    name: "merge_mode='sum'",
    target: () => lstm({ bidirectional: true }),
    weights: () => ({ ...lstmWeights('bi/forward_lstm'), ...lstmWeights('bi/backward_lstm') }),
    config: { merge_mode: 'sum', layer: { class_name: 'LSTM', config: { units: 5 } } },
    message: /merge_mode="sum" is not supported \(gated's bidirectional layers concatenate/,
  },
  {
    name: "an Embedding's table of the wrong size",
    target: () => new Embedding({ numEmbeddings: 11, embeddingDim: 3 }),
    weights: () => ({ 'embedding/embeddings': r([11, 4], 1) }),
    message:
      /weight 'embedding\/embeddings' \(embeddings\) has shape \[11, 4\], expected \[11, 3\]/,
  },
  {
    name: "a Dense layer's missing bias and unsupported activation",
    target: () => new Linear({ inFeatures: 5, outFeatures: 3 }),
    weights: () => ({ 'dense/kernel': r([5, 3], 1) }),
    config: { activation: 'elu' },
    message: /activation='elu' is not supported[\s\S]*missing weight: bias \[3\]/,
  },
];

describe('loadKerasWeights refuses, naming the problem, and changes nothing', () => {
  for (const refusal of refusals) {
    it(refusal.name, async () => {
      const target = refusal.target();
      const before = target.stateDict();
      const weights = refusal.weights();
      await expectNoLeaks(() => {
        expect(() => loadKerasWeights(target, weights, { config: refusal.config })).toThrow(
          refusal.message,
        );
        expect(() => loadKerasWeights(target, weights, { config: refusal.config })).toThrow(
          /refused, nothing was loaded/,
        );
      });
      for (const [name, value] of Object.entries(target.stateDict())) {
        expect(Array.from(value.dataSync()), name).toEqual(Array.from(before[name]!.dataSync()));
        value.dispose();
      }
      tf.dispose([...Object.values(before), ...Object.values(weights)]);
      target.dispose();
    });
  }
});

describe('loadKerasWeights loads', () => {
  it('a use_bias=False layer into a target with biases, as zeros', async () => {
    const target = lstm();
    const weights = without(lstmWeights('lstm/lstm_cell'), 'lstm/lstm_cell/bias');
    await expectNoLeaks(() => loadKerasWeights(target, weights, { config: { use_bias: false } }));
    const loaded = target.stateDict();
    expect(Array.from(loaded.bias_ih_l0!.dataSync())).toEqual(new Array(20).fill(0));
    expect(Array.from(loaded.bias_hh_l0!.dataSync())).toEqual(new Array(20).fill(0));
    tf.dispose([...Object.values(weights), ...Object.values(loaded)]);
    target.dispose();
  });

  it('names with :0 and without a layer name (kernel, recurrent_kernel:0, bias)', async () => {
    const target = new GRU({ inputSize: 7, hiddenSize: 5 });
    const given = gruWeights();
    const weights = {
      kernel: given['gru/kernel']!,
      'recurrent_kernel:0': given['gru/recurrent_kernel']!,
      bias: given['gru/bias']!,
    };
    await expectNoLeaks(() => loadKerasWeights(target, weights));
    // weight_hh_l0 [15, 5] is recurrent_kernel [5, 15] transposed, Keras z, r, h → r, z, n.
    const [z, rr, h] = tf.split(tf.transpose(weights['recurrent_kernel:0']), 3, 0);
    const expected = tf.concat([rr!, z!, h!], 0);
    const loaded = target.stateDict();
    expect(Array.from(loaded.weight_hh_l0!.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([...Object.values(weights), ...Object.values(loaded), z!, rr!, h!, expected]);
    target.dispose();
  });
});
