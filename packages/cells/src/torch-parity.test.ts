import type { Tensor, Tensor3D, Variable } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, loadTorchStateDict, maxAbsDiff, toTensor } from '../test/fixtures';
import { buildLayer, layerCases } from '../test/layer-cases';

/** Tolerances of the contract: outputs to float32 precision, gradients a little looser. */
const OUTPUT_TOLERANCE = 1e-5;
const GRAD_TOLERANCE = 1e-4;

const cases = layerCases;

/** The fixture's scalar loss: sum(output * w_out) + sum(hN * w_h) [+ sum(cN * w_c)]. */
function lossOf(
  result: { output: Tensor; hN: Tensor; cN?: Tensor },
  weights: Record<string, Tensor>,
): tf.Scalar {
  let loss = tf.add(
    tf.sum(tf.mul(result.output, weights.output!)),
    tf.sum(tf.mul(result.hN, weights.hN!)),
  );
  if (result.cN) loss = tf.add(loss, tf.sum(tf.mul(result.cN, weights.cN!)));
  return loss as tf.Scalar;
}

it('the layer fixture holds its 29 cases, each named once: 11 LSTM, 10 RNN, 8 GRU', () => {
  expect(new Set(cases.map((c) => c.name)).size).toBe(29);
  const byKind = { LSTM: 0, RNN: 0, GRU: 0 };
  for (const c of cases) byKind[c.kind]++;
  expect(byKind).toEqual({ LSTM: 11, RNN: 10, GRU: 8 });
});

describe.each(cases.map((c) => [c.name, c] as const))('PyTorch parity: %s', (_name, c) => {
  it(`outputs match torch.nn.${c.kind} within ${OUTPUT_TOLERANCE}`, async () => {
    const layer = buildLayer(c);
    loadTorchStateDict(layer, c.stateDict);
    const [x, h0, c0] = [c.inputs.x!, c.inputs.h0, c.inputs.c0].map(
      (t) => t && toTensor(t),
    ) as Tensor3D[];
    await expectNoLeaks(() => {
      const result = layer.forward(x!, { h0, c0, lengths: c.lengths } as never) as {
        output: Tensor;
        hN: Tensor;
        cN?: Tensor;
      };
      expect(maxAbsDiff(result.output, c.outputs.output!)).toBeLessThan(OUTPUT_TOLERANCE);
      expect(maxAbsDiff(result.hN, c.outputs.hN!)).toBeLessThan(OUTPUT_TOLERANCE);
      if (c.outputs.cN) expect(maxAbsDiff(result.cN!, c.outputs.cN)).toBeLessThan(OUTPUT_TOLERANCE);
      else expect(result.cN).toBeUndefined();
      tf.dispose(result as never);
    });
    tf.dispose([x!, h0, c0].filter(Boolean));
    layer.dispose();
  });

  it(`gradients match PyTorch's within ${GRAD_TOLERANCE}`, async () => {
    const layer = buildLayer(c);
    loadTorchStateDict(layer, c.stateDict);
    const inputs: Record<string, Variable> = {};
    for (const [name, json] of Object.entries(c.inputs)) {
      if (json) inputs[name] = tf.variable(toTensor(json), true);
    }
    const weights = Object.fromEntries(
      Object.entries(c.lossWeights).flatMap(([k, v]) => (v ? [[k, toTensor(v)]] : [])),
    );
    const wrt: Record<string, Variable> = {
      ...inputs,
      ...Object.fromEntries(layer.namedParameters()),
    };
    expect(Object.keys(wrt).sort()).toEqual(Object.keys(c.grads).sort());
    await expectNoLeaks(() => {
      const { value, grads } = tf.variableGrads(() => {
        const { x, h0, c0 } = inputs;
        return lossOf(
          layer.forward(x as Tensor3D, { h0, c0, lengths: c.lengths } as never),
          weights,
        );
      }, Object.values(wrt));
      expect(Math.abs(value.dataSync()[0]! - c.loss)).toBeLessThan(1e-3);
      for (const [name, variable] of Object.entries(wrt)) {
        const grad = grads[variable.name];
        expect(grad, `gradient of ${name}`).toBeDefined();
        expect(maxAbsDiff(grad!, c.grads[name]!), `gradient of ${name}`).toBeLessThan(
          GRAD_TOLERANCE,
        );
      }
      tf.dispose([value, ...Object.values(grads)]);
    });
    tf.dispose([...Object.values(inputs), ...Object.values(weights)]);
    layer.dispose();
  });
});
