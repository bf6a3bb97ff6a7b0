import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, savedArtifacts } from '../test/helpers';
import { kerasModelFromArtifacts } from './load-keras-model';
import type { KerasModelArtifacts } from './model-json';

const sigmoid = { recurrentActivation: 'sigmoid' } as const;

async function artifactsOf(layers: tf.layers.Layer[]): Promise<KerasModelArtifacts> {
  const model = tf.sequential({ layers });
  const artifacts = await savedArtifacts(model);
  model.dispose();
  return artifacts;
}

/** The artifacts with the JSON of layer `index` changed by `edit`. */
function editLayer(
  artifacts: KerasModelArtifacts,
  index: number,
  edit: (config: Record<string, unknown>) => void,
) {
  const topology = structuredClone(artifacts.modelTopology) as {
    config: { layers: Array<{ config: Record<string, unknown> }> };
  };
  edit(topology.config.layers[index]!.config);
  return { ...artifacts, modelTopology: topology };
}

async function expectRefusal(artifacts: KerasModelArtifacts, message: RegExp): Promise<void> {
  await expectNoLeaks(() => {
    expect(() => kerasModelFromArtifacts(artifacts)).toThrow(message);
  });
}

const lstmLayer = () => tf.layers.lstm({ inputShape: [4, 3], units: 5, ...sigmoid });

describe('loadKerasModel refuses, naming what it cannot run, and keeps nothing', () => {
  it("a tf.layers GRU: reset_after=False and recurrent_activation='hard_sigmoid'", async () => {
    const artifacts = await artifactsOf([tf.layers.gru({ inputShape: [4, 3], units: 5 })]);
    await expectRefusal(
      artifacts,
      /GRU 'gru_GRU\d+': recurrent_activation='hard_sigmoid' is not supported[\s\S]*GRU 'gru_GRU\d+': reset_after=False is not supported/,
    );
  });

  it("a tf.layers LSTM with its default recurrent_activation='hard_sigmoid', named once", async () => {
    const artifacts = await artifactsOf([tf.layers.lstm({ inputShape: [4, 3], units: 5 })]);
    let message = '';
    await expectNoLeaks(() => {
      try {
        kerasModelFromArtifacts(artifacts);
      } catch (error) {
        message = (error as Error).message;
      }
    });
    expect(message).toMatch(
      /retrain with recurrent_activation='sigmoid' \(tf.layers: recurrentActivation: 'sigmoid'\)/,
    );
    expect(message.match(/hard_sigmoid' is not supported/g)).toHaveLength(1);
  });

  it('Embedding mask_zero=True', async () => {
    const artifacts = await artifactsOf([
      tf.layers.embedding({ inputDim: 9, outputDim: 3, inputLength: 4, maskZero: true }),
      tf.layers.lstm({ units: 5, ...sigmoid }),
    ]);
    await expectRefusal(
      artifacts,
      /Embedding 'embedding_Embedding\d+': mask_zero=True is not supported/,
    );
  });

  it('return_state and stateful', async () => {
    const artifacts = editLayer(await artifactsOf([lstmLayer()]), 0, (c) => {
      c.return_state = true;
      c.stateful = true;
    });
    await expectRefusal(
      artifacts,
      /stateful=True is not supported[\s\S]*return_state=True is not supported in a Sequential model/,
    );
  });

  it('a layer class gated does not run', async () => {
    const artifacts = await artifactsOf([
      tf.layers.conv1d({ inputShape: [4, 3], filters: 2, kernelSize: 2 }),
      tf.layers.lstm({ units: 5, ...sigmoid }),
    ]);
    await expectRefusal(
      artifacts,
      /Conv1D 'conv1d_Conv1D\d+': layer class 'Conv1D' is not supported/,
    );
  });

  it('a recurrent layer after one that returns only its last step', async () => {
    const artifacts = await artifactsOf([lstmLayer(), tf.layers.repeatVector({ n: 2 })]);
    await expectRefusal(artifacts, /layer class 'RepeatVector' is not supported/);
    const stacked = editLayer(
      await artifactsOf([
        tf.layers.lstm({ inputShape: [4, 3], units: 5, ...sigmoid, returnSequences: true }),
        tf.layers.lstm({ units: 2, ...sigmoid }),
      ]),
      0,
      (c) => {
        c.return_sequences = false;
      },
    );
    await expectRefusal(
      stacked,
      /needs a \[batch, time, features\] input; the layer before it has return_sequences=False/,
    );
  });

  it('a functional model that is not one chain', async () => {
    const twoOutputs = (() => {
      const input = tf.input({ shape: [4, 3] });
      const first = lstmLayer().apply(input) as tf.SymbolicTensor;
      const second = tf.layers.dense({ units: 5 }).apply(first) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: [first, second] });
    })();
    const branched = (() => {
      const input = tf.input({ shape: [4, 3] });
      const first = lstmLayer().apply(input) as tf.SymbolicTensor;
      const other = tf.layers.lstm({ units: 5, ...sigmoid, name: 'other' }).apply(input);
      return tf.model({
        inputs: input,
        outputs: tf.layers.add().apply([first, other as tf.SymbolicTensor]) as tf.SymbolicTensor,
      });
    })();
    for (const [model, message] of [
      [
        twoOutputs,
        /one chain of layers load whole; its outputs are 'lstm_LSTM\d+', 'dense_Dense\d+', not only its last layer/,
      ],
      [
        branched,
        /one chain of layers load whole; layer 'other' reads 'input\d+', not only 'lstm_LSTM\d+'/,
      ],
    ] as const) {
      const artifacts = await savedArtifacts(model);
      await expectRefusal(artifacts, message);
      model.dispose();
    }
  });

  it('a model class that is neither Sequential nor functional', async () => {
    const artifacts = await artifactsOf([lstmLayer()]);
    const topology = { class_name: 'Subclassed', config: {} };
    await expectRefusal(
      { ...artifacts, modelTopology: topology },
      /only Sequential models and functional chains load whole, this is a Subclassed model/,
    );
  });

  it('a missing weight, a misshapen one, and one no layer owns, all at once', async () => {
    const artifacts = await artifactsOf([lstmLayer(), tf.layers.dense({ units: 2 })]);
    const weights = tf.io.decodeWeights(artifacts.weightData as ArrayBuffer, artifacts.weightSpecs);
    const names = Object.keys(weights);
    delete weights[names.find((n) => n.endsWith('recurrent_kernel'))!];
    const bias = names.find((n) => n.startsWith('dense') && n.endsWith('bias'))!;
    weights[bias] = tf.zeros([3]);
    weights['stray_layer/kernel'] = tf.zeros([2, 2]);
    const { data, specs } = await tf.io.encodeWeights(weights);
    tf.dispose(Object.values(weights));
    await expectRefusal(
      { ...artifacts, weightSpecs: specs, weightData: data },
      /unexpected weight 'stray_layer\/kernel': no layer of the model has that name[\s\S]*LSTM 'lstm_LSTM\d+': missing weight: recurrent_kernel \[5, 20\][\s\S]*Dense 'dense_Dense\d+': weight 'dense_Dense\d+\/bias' \(bias\) has shape \[3\], expected \[2\]/,
    );
  });

  it('weight data shorter than its specs', async () => {
    const artifacts = await artifactsOf([lstmLayer()]);
    const short = { ...artifacts, weightData: (artifacts.weightData as ArrayBuffer).slice(8) };
    await expectRefusal(
      short,
      /loadKerasModel: weightData holds \d+ bytes, the weightSpecs need \d+/,
    );
  });
});
