import { GRU, LSTM } from '@gated/cells';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, maxAbsDiff, readFixture, type TensorJson, toTensor } from '../test/helpers';
import { kerasModelFromArtifacts } from './load-keras-model';
import { loadKerasWeights } from './load-keras-weights';

/** scripts/make_fixtures.py: PyTorch layers, their weights in Keras's layout, their outputs. */
interface TorchCase {
  name: string;
  kind: 'GRU' | 'LSTM';
  bidirectional: boolean;
  inputSize: number;
  units: number;
  kerasWeights: Record<string, TensorJson>;
  x: TensorJson;
  output: TensorJson;
  hN: TensorJson;
}
const { cases } = readFixture<{ cases: TorchCase[] }>('torch-keras-layout.json');

function kerasTensors(testCase: TorchCase): Record<string, tf.Tensor> {
  return Object.fromEntries(
    Object.entries(testCase.kerasWeights).map(([n, v]) => [n, toTensor(v)]),
  );
}

describe('Keras-layout weights of PyTorch layers (GRU reset_after=True) match PyTorch', () => {
  for (const testCase of cases) {
    it(`${testCase.name}: loadKerasWeights, output and hN within 1e-5`, async () => {
      const weights = kerasTensors(testCase);
      const x = toTensor(testCase.x) as tf.Tensor3D;
      await expectNoLeaks(() => {
        const Layer = testCase.kind === 'GRU' ? GRU : LSTM;
        const layer = new Layer({
          inputSize: testCase.inputSize,
          hiddenSize: testCase.units,
          batchFirst: true,
          bidirectional: testCase.bidirectional,
          seed: 1,
        });
        loadKerasWeights(layer, weights);
        const { output, hN, ...rest } = layer.forward(x);
        const expectedOutput = toTensor(testCase.output);
        const expectedH = toTensor(testCase.hN);
        expect(maxAbsDiff(output, expectedOutput)).toBeLessThanOrEqual(1e-5);
        expect(maxAbsDiff(hN, expectedH)).toBeLessThanOrEqual(1e-5);
        tf.dispose([output, hN, expectedOutput, expectedH, ...Object.values(rest)]);
        layer.dispose();
      });
      tf.dispose([x, ...Object.values(weights)]);
    });

    it(`${testCase.name}: as a Keras Sequential model.json (TF 2 weight names)`, async () => {
      const weights = kerasTensors(testCase);
      const { data, specs } = await tf.io.encodeWeights(weights);
      tf.dispose(Object.values(weights));
      const cell = {
        class_name: testCase.kind,
        config: {
          name: testCase.kind.toLowerCase(),
          units: testCase.units,
          activation: 'tanh',
          recurrent_activation: 'sigmoid',
          use_bias: true,
          return_sequences: true,
          ...(testCase.kind === 'GRU' ? { reset_after: true } : {}),
        },
      };
      const layer = testCase.bidirectional
        ? {
            class_name: 'Bidirectional',
            config: { name: 'bidirectional', layer: cell, merge_mode: 'concat' },
          }
        : cell;
      // What tensorflowjs_converter writes for a Keras model: Keras's model_config wrapper.
      const modelTopology = {
        keras_version: '2.15.0',
        backend: 'tensorflow',
        model_config: {
          class_name: 'Sequential',
          config: {
            name: 'sequential',
            layers: [
              {
                class_name: 'InputLayer',
                config: { name: 'input_1', batch_input_shape: [null, null, 7] },
              },
              layer,
            ],
          },
        },
      };
      const x = toTensor(testCase.x);
      await expectNoLeaks(() => {
        const model = kerasModelFromArtifacts({
          modelTopology,
          weightSpecs: specs,
          weightData: data,
        });
        const output = model.forward(x);
        const expected = toTensor(testCase.output);
        expect(maxAbsDiff(output, expected)).toBeLessThanOrEqual(1e-5);
        tf.dispose([output, expected]);
        model.dispose();
      });
      x.dispose();
    });
  }

  it('gru: as a Keras 3 Functional chain (args/kwargs inbound nodes, dtype policies)', async () => {
    const testCase = cases.find((c) => c.name === 'gru')!;
    const weights = kerasTensors(testCase);
    const { data, specs } = await tf.io.encodeWeights(weights);
    tf.dispose(Object.values(weights));
    const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' } };
    const tensor = (layer: string) => ({
      class_name: '__keras_tensor__',
      config: { shape: [null, 6, 7], dtype: 'float32', keras_history: [layer, 0, 0] },
    });
    const modelTopology = {
      class_name: 'Functional',
      config: {
        name: 'functional',
        layers: [
          {
            class_name: 'InputLayer',
            name: 'input_layer',
            config: { batch_shape: [null, 6, 7], dtype: 'float32', name: 'input_layer' },
            inbound_nodes: [],
          },
          {
            module: 'keras.layers',
            class_name: 'GRU',
            name: 'gru',
            config: {
              name: 'gru',
              dtype: policy,
              units: 5,
              reset_after: true,
              return_sequences: true,
              seed: null,
            },
            build_config: { input_shape: [null, 6, 7] },
            inbound_nodes: [
              { args: [tensor('input_layer')], kwargs: { training: false, mask: null } },
            ],
          },
        ],
        input_layers: [['input_layer', 0, 0]],
        output_layers: [['gru', 0, 0]],
      },
    };
    const x = toTensor(testCase.x);
    await expectNoLeaks(() => {
      const model = kerasModelFromArtifacts({
        modelTopology,
        weightSpecs: specs,
        weightData: data,
      });
      const output = model.forward(x);
      const expected = toTensor(testCase.output);
      expect(maxAbsDiff(output, expected)).toBeLessThanOrEqual(1e-5);
      tf.dispose([output, expected]);
      model.dispose();
    });
    x.dispose();
  });
});
