import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/fixtures';
import { GRU } from './gru';
import { LSTM } from './lstm';
import { RNN } from './rnn';

const maxDiff = (a: Tensor, b: Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

const layers = [
  ['LSTM, 3 layers', () => new LSTM({ inputSize: 3, hiddenSize: 5, numLayers: 3, seed: 7 })],
  ['GRU, 2 layers', () => new GRU({ inputSize: 3, hiddenSize: 7, numLayers: 2, seed: 8 })],
  ['RNN relu', () => new RNN({ inputSize: 3, hiddenSize: 6, nonlinearity: 'relu', seed: 9 })],
] as const;

describe('step(): one time step of every layer', () => {
  for (const [name, make] of layers) {
    it(`${name}: stepping 7 times gives forward's outputs and final states (within 1e-6)`, async () => {
      const layer = make();
      const x = tf.randomNormal([7, 5, 3], 0, 1, 'float32', 3) as Tensor3D; // [T, B, in]
      await expectNoLeaks(() => {
        const whole = layer.forward(x) as { output: Tensor3D; hN: Tensor3D; cN?: Tensor3D };
        let state: { h: Tensor3D; c?: Tensor3D } | undefined;
        const outputs: Tensor2D[] = [];
        for (let t = 0; t < 7; t++) {
          const input = tf.tidy(() => tf.squeeze(tf.slice(x, [t, 0, 0], [1, -1, -1]), [0]));
          const next = layer.step(input as Tensor2D, state);
          input.dispose();
          if (state) tf.dispose([state.h, state.c].filter((s) => s !== undefined));
          state = { h: next.hN, c: next.cN };
          outputs.push(next.output);
        }
        const stepped = tf.stack(outputs);
        expect(stepped.shape).toEqual(whole.output.shape);
        expect(maxDiff(stepped, whole.output)).toBeLessThan(1e-6);
        expect(maxDiff(state!.h, whole.hN)).toBeLessThan(1e-6);
        expect(state!.c !== undefined).toBe(layer instanceof LSTM);
        if (state!.c) expect(maxDiff(state!.c, whole.cN!)).toBeLessThan(1e-6);
        expect(layer.lastEngines.map((c) => c.engine)).toEqual(
          new Array(layer.numLayers).fill('fused'),
        );
        tf.dispose([stepped, ...outputs, state!.h, state!.c, whole.output, whole.hN, whole.cN]);
      });
      x.dispose();
      layer.dispose();
    });
  }

  it('runs on the engine it is asked for, and says so', async () => {
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, seed: 1 });
    const x = tf.randomNormal([2, 3], 0, 1, 'float32', 2) as Tensor2D;
    await expectNoLeaks(() => {
      const fused = lstm.step(x);
      const reference = lstm.step(x, undefined, { engine: 'reference' });
      expect(lstm.lastEngines).toEqual([{ engine: 'reference', declined: [] }]);
      expect(maxDiff(fused.output, reference.output)).toBeLessThan(2e-6);
      expect(maxDiff(fused.cN, reference.cN)).toBeLessThan(2e-6);
      tf.dispose([fused.output, fused.hN, fused.cN, reference.output, reference.hN, reference.cN]);
    });
    x.dispose();
    lstm.dispose();
  });

  it('refuses what it cannot take, naming it, and leaks nothing', async () => {
    const bidirectional = new GRU({ inputSize: 3, hiddenSize: 4, bidirectional: true });
    const gru = new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 2 });
    const x = tf.zeros([2, 3]) as Tensor2D;
    const wrongH = tf.zeros([1, 2, 4]) as Tensor3D;
    const c = tf.zeros([2, 2, 4]) as Tensor3D;
    const wide = tf.zeros([2, 5]) as Tensor2D;
    await expectNoLeaks(() => {
      expect(() => bidirectional.step(x)).toThrow(
        'GRU.step: needs a unidirectional layer; a bidirectional one also reads the sequence backwards',
      );
      expect(() => gru.step(wide)).toThrow(/GRU\.step: x must be \[batch, 3\], got \[2, 5\]/);
      expect(() => gru.step(x, { h: wrongH })).toThrow(
        /GRU\.step: state\.h must be \[2, 2, 4\], got \[1, 2, 4\]/,
      );
      expect(() => gru.step(x, { h: c, c })).toThrow(
        'GRU.step: state.c is only for LSTM; GRU has no cell state',
      );
      expect(() => gru.step(x, undefined, { engine: 'nope' })).toThrow(
        "no recurrence engine 'nope'; registered: fused, reference",
      );
    });
    tf.dispose([x, wrongH, c, wide]);
    bidirectional.dispose();
    gru.dispose();
  });
});
