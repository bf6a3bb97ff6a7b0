import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../test/fixtures';
import { GRU } from './gru';
import { LSTM } from './lstm';
import { Module } from './module';

/** A two-level model, to check dotted names and recursion. */
class Tagger extends Module {
  readonly rnn = this.registerModule('rnn', new GRU({ inputSize: 3, hiddenSize: 5, seed: 1 }));
  readonly head = this.registerParameter('head', tf.ones([5, 7]));
}

const dictOf = (entries: Array<[string, number[]]>): Record<string, Tensor> =>
  Object.fromEntries(entries.map(([name, shape]) => [name, tf.zeros(shape)]));

describe('Module', () => {
  it('names nested parameters with dots, in registration order', () => {
    const tagger = new Tagger();
    expect(tagger.namedParameters().map(([name]) => name)).toEqual([
      'head',
      'rnn.weight_ih_l0',
      'rnn.weight_hh_l0',
      'rnn.bias_ih_l0',
      'rnn.bias_hh_l0',
    ]);
    expect(tagger.numParameters()).toBe(35 + 15 * 3 + 15 * 5 + 30);
    tagger.dispose();
  });

  it('train() and eval() reach every child', () => {
    const tagger = new Tagger();
    expect(tagger.rnn.training).toBe(true);
    expect(tagger.eval()).toBe(tagger);
    expect([tagger.training, tagger.rnn.training]).toEqual([false, false]);
    tagger.train();
    expect(tagger.rnn.training).toBe(true);
    tagger.dispose();
  });

  it('stateDict → loadStateDict copies values exactly into another module', async () => {
    const source = new LSTM({ inputSize: 7, hiddenSize: 5, numLayers: 2, seed: 1 });
    const target = new LSTM({ inputSize: 7, hiddenSize: 5, numLayers: 2, seed: 2 });
    const x = tf.randomNormal([4, 3, 7], 0, 1, 'float32', 42) as Tensor3D;
    await expectNoLeaks(() => {
      const dict = source.stateDict();
      expect(target.loadStateDict(dict)).toEqual({ missingKeys: [], unexpectedKeys: [] });
      tf.dispose(Object.values(dict)); // the module keeps its own copy
      const [a, b] = [source.forward(x), target.forward(x)];
      expect(b.output.arraySync()).toEqual(a.output.arraySync());
      tf.dispose([a.output, a.hN, a.cN, b.output, b.hN, b.cN]);
    });
    tf.dispose(x);
    source.dispose();
    target.dispose();
  });

  it('refuses a mismatched dict listing every problem at once, and loads nothing', async () => {
    const gru = new GRU({ inputSize: 7, hiddenSize: 5, seed: 1 });
    const before = gru.parameters().map((p) => [...p.dataSync()]);
    const dict = dictOf([
      ['weight_ih_l0', [15, 7]],
      ['weight_hh_l0', [15, 6]],
      ['bias_ih_l0', [15]],
      ['weight_ih_l1', [15, 5]],
    ]);
    await expectNoLeaks(() => {
      let message = '';
      try {
        gru.loadStateDict(dict);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toBe(
        [
          'GRU.loadStateDict: refused, nothing was loaded.',
          "  missing keys: 'bias_hh_l0'",
          "  unexpected keys: 'weight_ih_l1'",
          "  'weight_hh_l0' has shape [15, 6], the module expects [15, 5]",
        ].join('\n'),
      );
    });
    expect(gru.parameters().map((p) => [...p.dataSync()])).toEqual(before);
    tf.dispose(Object.values(dict));
    gru.dispose();
  });

  it('with strict: false, loads what matches and reports the rest', () => {
    const gru = new GRU({ inputSize: 7, hiddenSize: 5, seed: 1 });
    const dict = dictOf([
      ['weight_ih_l0', [15, 7]],
      ['extra', [2]],
    ]);
    expect(gru.loadStateDict(dict, { strict: false })).toEqual({
      missingKeys: ['weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'],
      unexpectedKeys: ['extra'],
    });
    expect(tf.max(tf.abs(gru.parameters()[0]!)).dataSync()[0]).toBe(0);
    const wrongShape = dictOf([['bias_ih_l0', [14]]]);
    expect(() => gru.loadStateDict(wrongShape, { strict: false })).toThrow(
      "'bias_ih_l0' has shape [14], the module expects [15]",
    );
    const wrongType = { bias_ih_l0: tf.zeros([15], 'int32') };
    expect(() => gru.loadStateDict(wrongType, { strict: false })).toThrow(
      "'bias_ih_l0' has dtype int32, the module expects float32",
    );
    tf.dispose([...Object.values(dict), ...Object.values(wrongShape), ...Object.values(wrongType)]);
    gru.dispose();
  });

  /** Every parameter's values, read back (a parameter that cannot be read fails the test). */
  const valuesOf = (module: Module) =>
    module.namedParameters().map(([name, p]) => [name, [...p.dataSync()]] as const);

  it('refuses a disposed tensor by name, before assigning anything: the module stays readable', async () => {
    const gru = new GRU({ inputSize: 7, hiddenSize: 5, seed: 1 });
    const before = valuesOf(gru);
    const dict = dictOf([
      ['weight_ih_l0', [15, 7]],
      ['weight_hh_l0', [15, 5]],
      ['bias_ih_l0', [15]],
      ['bias_hh_l0', [15]],
    ]);
    dict.bias_ih_l0!.dispose(); // after two good weights, so a load that assigns as it checks shows
    await expectNoLeaks(() => {
      expect(() => gru.loadStateDict(dict)).toThrow(
        "GRU.loadStateDict: refused, nothing was loaded.\n  'bias_ih_l0' is a disposed tensor",
      );
      expect(valuesOf(gru)).toEqual(before);
    });
    tf.dispose(Object.values(dict));
    gru.dispose();
  });

  it('refuses values that are not tensors, naming the key and what came', async () => {
    const gru = new GRU({ inputSize: 7, hiddenSize: 5, seed: 1 });
    const before = valuesOf(gru);
    const dict: Record<string, unknown> = {
      ...dictOf([
        ['weight_ih_l0', [15, 7]],
        ['weight_hh_l0', [15, 5]],
      ]),
      bias_ih_l0: [0, 1, 2],
      bias_hh_l0: undefined,
    };
    await expectNoLeaks(() => {
      expect(() => gru.loadStateDict(dict as Record<string, Tensor>)).toThrow(
        [
          'GRU.loadStateDict: refused, nothing was loaded.',
          "  'bias_ih_l0' must be a tf.Tensor, got an array",
          "  'bias_hh_l0' must be a tf.Tensor, got undefined",
        ].join('\n'),
      );
      expect(() => gru.loadStateDict(null as unknown as Record<string, Tensor>)).toThrow(
        'GRU.loadStateDict: dict must be an object of tensors by name, got null',
      );
      expect(valuesOf(gru)).toEqual(before);
    });
    tf.dispose(Object.values(dict).filter((v) => v instanceof tf.Tensor));
    gru.dispose();
  });

  it('reads each value of the dict once: what was checked is what is assigned', async () => {
    const gru = new GRU({ inputSize: 7, hiddenSize: 5, seed: 1 });
    const dict = dictOf([
      ['weight_ih_l0', [15, 7]],
      ['weight_hh_l0', [15, 5]],
      ['bias_ih_l0', [15]],
    ]);
    const bias = tf.fill([15], 3);
    const stale = tf.zeros([15]);
    stale.dispose();
    let reads = 0;
    // A getter that answers differently the second time, as a dict proxied over a store might.
    Object.defineProperty(dict, 'bias_hh_l0', {
      enumerable: true,
      get: () => (reads++ === 0 ? bias : stale),
    });
    await expectNoLeaks(() => {
      expect(gru.loadStateDict(dict)).toEqual({ missingKeys: [], unexpectedKeys: [] });
      expect(reads).toBe(1);
      expect([...gru.namedParameters()[3]![1].dataSync()]).toEqual(Array(15).fill(3));
    });
    tf.dispose([...Object.values(dict).filter((t) => t !== bias), bias]);
    gru.dispose();
  });

  it('counts keys inherited from Object.prototype as missing, not present', () => {
    class Odd extends Module {
      readonly w = this.registerParameter('constructor', tf.ones([2]));
    }
    const odd = new Odd();
    expect(() => odd.loadStateDict({})).toThrow("missing keys: 'constructor'");
    expect(odd.loadStateDict({}, { strict: false })).toEqual({
      missingKeys: ['constructor'],
      unexpectedKeys: [],
    });
    expect([...odd.w.dataSync()]).toEqual([1, 1]);
    odd.dispose();
  });

  it('dispose() frees every variable', () => {
    const before = tf.memory().numTensors;
    const tagger = new Tagger();
    expect(tf.memory().numTensors).toBe(before + 5);
    tagger.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(tagger.parameters()).toEqual([]);
  });
});
