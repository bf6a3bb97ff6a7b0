import { recurrenceEngineNames } from '@gated/cells';
import type { Tensor, Tensor3D, Variable } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer, type LayerCase, layerCases } from '../../cells/test/layer-cases';
import { expectNoLeaks, loadTorchStateDict, type TensorJson, toTensor } from '../test/fixtures';
import { onWasm } from '../test/kernel-runs';
import { installWasmKernels, uninstallWasmKernels } from './install';
import { setThreadLimits } from './wasm-threads';

/*
 * One conformance suite for every recurrence engine: the PyTorch fixtures of @gated/cells
 * (torch-layers.json: RNN tanh/relu, LSTM incl. projSize, GRU; stacked, bidirectional,
 * batch-first, no bias, initial states, variable lengths; T 6, B 3, input 7, H 5), each run on
 * each engine by name. Outputs, final states and the gradient of every parameter and input must
 * match PyTorch, every engine must match the reference engine within 2e-6, and `lastEngines`
 * must name the engine for every direction. An engine that declines a case must say why.
 */

const TO_TORCH = 1e-5;
const TO_REFERENCE = 2e-6;

const cases = layerCases;

interface EngineRun {
  values: Record<string, Float32Array>;
  engines: string[];
}

/** Outputs, final states and every gradient of the fixture's loss, on the engine `engine`. */
function runOn(engine: string, c: LayerCase): EngineRun {
  const layer = buildLayer(c);
  loadTorchStateDict(layer, c.stateDict);
  const inputs: Record<string, Variable> = {};
  for (const [name, json] of Object.entries(c.inputs)) {
    if (!json) continue;
    const initial = toTensor(json);
    inputs[name] = tf.variable(initial, true);
    initial.dispose();
  }
  const weights = Object.fromEntries(
    Object.entries(c.lossWeights).flatMap(([k, v]) => (v ? [[k, toTensor(v)]] : [])),
  );
  const wrt: Record<string, Variable> = {
    ...inputs,
    ...Object.fromEntries(layer.namedParameters()),
  };
  const values: Record<string, Float32Array> = {};
  const { value, grads } = tf.variableGrads(() => {
    const { x, h0, c0 } = inputs;
    const result = layer.forward(
      x as Tensor3D,
      { h0, c0, lengths: c.lengths, engine } as never,
    ) as {
      output: Tensor;
      hN: Tensor;
      cN?: Tensor;
    };
    values.output = result.output.dataSync() as Float32Array;
    values.hN = result.hN.dataSync() as Float32Array;
    if (result.cN) values.cN = result.cN.dataSync() as Float32Array;
    let loss = tf.add(
      tf.sum(tf.mul(result.output, weights.output!)),
      tf.sum(tf.mul(result.hN, weights.hN!)),
    );
    if (result.cN) loss = tf.add(loss, tf.sum(tf.mul(result.cN, weights.cN!)));
    return loss as tf.Scalar;
  }, Object.values(wrt));
  for (const [name, variable] of Object.entries(wrt)) {
    values[`grad ${name}`] = grads[variable.name]!.dataSync() as Float32Array;
  }
  // Inference too (no gradient recorded): the engines' separate path, e.g. one wasm call with
  // the input projection inside.
  const { x, h0, c0 } = inputs;
  const inferred = layer.forward(x as Tensor3D, { h0, c0, lengths: c.lengths, engine } as never);
  for (const [name, t] of Object.entries(inferred) as Array<[string, Tensor | undefined]>) {
    if (!(t instanceof tf.Tensor)) continue;
    values[`inference ${name}`] = t.dataSync() as Float32Array;
    t.dispose();
  }
  const engines = layer.lastEngines.map((choice) => choice.engine);
  tf.dispose([value, ...Object.values(grads), ...Object.values(inputs), ...Object.values(weights)]);
  layer.dispose();
  return { values, engines };
}

function worstDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

const ENGINES = ['reference', 'fused', 'wasm', 'wasm-threads'] as const;

describe.runIf(onWasm)('every engine, on the PyTorch fixtures', () => {
  let previousLimits: ReturnType<typeof setThreadLimits>;
  beforeAll(async () => {
    const status = await installWasmKernels({ threads: 2 });
    expect(status.engines).toEqual(['wasm-threads', 'wasm', 'fused', 'reference']);
    previousLimits = setThreadLimits({ batch: 1, hidden: 1, work: 0 }); // the fixtures are tiny
  });
  afterAll(() => {
    setThreadLimits(previousLimits);
    uninstallWasmKernels();
  });

  for (const c of cases) {
    describe(c.name, () => {
      const reference: { run?: EngineRun } = {};
      for (const engine of ENGINES) {
        const projected = (c.projSize ?? 0) > 0;
        if (projected && engine.startsWith('wasm')) {
          it(`${engine} declines it, saying why`, () => {
            const layer = buildLayer(c);
            const x = toTensor(c.inputs.x!) as Tensor3D;
            expect(() => layer.forward(x, { engine })).toThrow(
              `engine '${engine}' cannot run this lstm: the kernels have no LSTM projection (projSize)`,
            );
            tf.dispose(x);
            layer.dispose();
          });
          continue;
        }
        it(`${engine}: outputs, states and every gradient as PyTorch within ${TO_TORCH}, as the reference within ${TO_REFERENCE}`, async () => {
          await expectNoLeaks(() => {
            const run = runOn(engine, c);
            const directions = (c.numLayers ?? 1) * (c.bidirectional ? 2 : 1);
            expect(run.engines).toEqual(new Array(directions).fill(engine));
            const expected: Record<string, TensorJson | undefined> = {
              ...c.outputs,
              ...Object.fromEntries(
                Object.entries(c.outputs).map(([k, v]) => [`inference ${k}`, v]),
              ),
              ...Object.fromEntries(Object.entries(c.grads).map(([k, v]) => [`grad ${k}`, v])),
            };
            for (const [name, json] of Object.entries(expected)) {
              if (!json) continue;
              const got = run.values[name];
              expect(got, name).toBeDefined();
              expect(
                worstDiff(got!, Float32Array.from(json.values.map(Number))),
                name,
              ).toBeLessThan(TO_TORCH);
            }
            if (engine === 'reference') reference.run = run;
            else {
              for (const [name, values] of Object.entries(run.values)) {
                expect(worstDiff(values, reference.run!.values[name]!), name).toBeLessThan(
                  TO_REFERENCE,
                );
              }
            }
          });
        });
      }
    });
  }

  it('lists the engines in the order they are tried', () => {
    expect(recurrenceEngineNames()).toEqual(['wasm-threads', 'wasm', 'fused', 'reference']);
  });
});
