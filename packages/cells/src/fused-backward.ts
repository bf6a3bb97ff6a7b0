import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { type FusedInputs, type FusedRecurrence, unflatten } from './fused-recurrence';
import { unstackFirst } from './unstack';

/*
 * The hand-written backpropagation through time of fusedRecurrence: per step only the gate
 * derivatives, and one product per weight gradient over all steps.
 */

/**
 * Per-step factors of the backward pass that depend only on the forward values, computed over
 * all steps at once ([T, B, ·] each) and unstacked.
 * LSTM: the gates, tanh(c), o·tanh'(c), and the derivative of each gate's activation laid out as
 * the gate block [i(1-i), f(1-f), 1-g², o(1-o)]. GRU: r, z, 1-z, 1-n², r(1-r)·hn, z(1-z)·(h-n).
 * RNN: the activation's slope.
 */
function precompute(
  spec: FusedRecurrence,
  given: FusedInputs,
  hPrevAll: Tensor,
  stacked: Tensor[],
  one: Tensor,
): PerStep {
  const each = (t: Tensor) => unstackFirst<Tensor2D>(t);
  if (spec.kind === 'lstm') {
    const [i, f, g, o, c] = stacked as Tensor3D[];
    const tanhC = tf.tanh(c!);
    const sigmoidSlope = (x: Tensor) => tf.mul(x, tf.sub(one, x));
    const derivative = tf.concat(
      [sigmoidSlope(i!), sigmoidSlope(f!), tf.sub(one, tf.square(g!)), sigmoidSlope(o!)],
      2,
    );
    return {
      i: each(i!),
      f: each(f!),
      g: each(g!),
      tanhC: each(tanhC),
      oDtanh: each(tf.mul(o!, tf.sub(one, tf.square(tanhC)))),
      derivative: each(derivative),
      oTanhC: given.weightHr ? each(tf.mul(o!, tanhC)) : undefined,
    };
  }
  if (spec.kind === 'gru') {
    const [r, z, n, hn] = stacked as Tensor3D[];
    return {
      r: each(r!),
      z: each(z!),
      oneMinusZ: each(tf.sub(one, z!)),
      dTanhN: each(tf.sub(one, tf.square(n!))),
      dResetHn: each(tf.mul(tf.mul(r!, tf.sub(one, r!)), hn!)),
      dUpdateHmN: each(tf.mul(tf.mul(z!, tf.sub(one, z!)), tf.sub(hPrevAll, n!))),
    };
  }
  const [h] = stacked as Tensor3D[];
  const slope =
    spec.nonlinearity === 'relu'
      ? tf.cast(tf.greater(h!, 0), 'float32')
      : tf.sub(one, tf.square(h!));
  return { slope: each(slope) };
}

type PerStep = Record<string, Tensor2D[] | undefined>;

/** Each precomputed factor at step `t` (the optional ones only where computed). */
function atStep(pre: PerStep, t: number): Record<string, Tensor2D> {
  const present = Object.entries(pre).filter(([, list]) => list !== undefined);
  return Object.fromEntries(present.map(([name, list]) => [name, list![t]!]));
}

type Grads = Partial<
  Record<'projected' | 'h0' | 'c0' | 'weightHh' | 'biasHh' | 'weightHr' | 'mask', Tensor>
>;

export function backward(
  spec: FusedRecurrence,
  given: FusedInputs,
  mask: Tensor3D | undefined,
  dy: Tensor,
  kept: Tensor[],
): Grads {
  const { steps, batch } = spec;
  const incoming = unflatten(spec, dy); // d(output), d(h_T), d(c_T)
  const dOutputs = unstackFirst<Tensor2D>(incoming.output);
  let dh = incoming.h;
  let dc = incoming.c;
  const one = tf.scalar(1); // one upload, not one per use
  const masks = mask ? unstackFirst<Tensor2D>(mask) : undefined;
  const holds = mask ? unstackFirst<Tensor2D>(tf.sub(one, mask)) : undefined;
  const unstackAll = (t: Tensor) => unstackFirst<Tensor2D>(t);
  const [hPrevAll, ...rest] = kept;
  const hPrev = unstackAll(hPrevAll!);
  const cPrev = spec.kind === 'lstm' ? unstackAll(rest.shift()!) : [];
  // Everything the step loop needs that does not depend on the incoming gradient is computed
  // here for all steps at once: a few large ops instead of many small ones per step.
  const pre = precompute(spec, given, hPrevAll!, rest, one);
  const weightHh = given.weightHh as Tensor2D;
  const dInputs: Tensor2D[] = new Array(steps); // gradient of each step's xGates
  const dRecurrent: Tensor2D[] = new Array(steps); // gradient of each step's h W_hhᵀ (+ b_hh)
  const dProjected: Tensor2D[] = []; // LSTM with projection: d(h_t) before W_hr, and h_full
  const fullH: Tensor2D[] = [];
  for (let t = steps - 1; t >= 0; t--) {
    const m = masks?.[t];
    const total = tf.add(dh, dOutputs[t]!) as Tensor2D;
    // Past a sequence's end the state was carried, not computed: route the gradient around.
    const dNew = m ? (tf.mul(total, m) as Tensor2D) : total;
    const carriedH = m ? (tf.mul(dh, holds![t]!) as Tensor2D) : undefined;
    if (spec.kind === 'lstm') {
      const { i, f, g, tanhC, oDtanh, derivative } = atStep(pre, t);
      const carriedC = m ? (tf.mul(dc!, holds![t]!) as Tensor2D) : undefined;
      const dcNew = m ? (tf.mul(dc!, m) as Tensor2D) : dc!;
      let dhFull = dNew;
      if (given.weightHr) {
        dProjected.push(dNew);
        fullH.push(pre.oTanhC![t]!);
        dhFull = tf.matMul(dNew, given.weightHr as Tensor2D);
      }
      const dcTotal = tf.add(dcNew, tf.mul(dhFull, oDtanh!)) as Tensor2D;
      // d(activation) of i, f, g, o, times each activation's derivative (precomputed).
      const dActivations = tf.concat(
        [
          tf.mul(dcTotal, g!),
          tf.mul(dcTotal, cPrev[t]!),
          tf.mul(dcTotal, i!),
          tf.mul(dhFull, tanhC!),
        ],
        1,
      );
      const dz = tf.mul(dActivations, derivative!) as Tensor2D;
      dInputs[t] = dz;
      dRecurrent[t] = dz;
      dc = tf.mul(dcTotal, f!) as Tensor2D;
      if (carriedC) dc = tf.add(dc, carriedC) as Tensor2D;
      dh = tf.matMul(dz, weightHh);
    } else if (spec.kind === 'gru') {
      const { r, z, oneMinusZ, dTanhN, dResetHn, dUpdateHmN } = atStep(pre, t);
      const dnPre = tf.mul(tf.mul(dNew, oneMinusZ!), dTanhN!);
      const drPre = tf.mul(dnPre, dResetHn!);
      const dzPre = tf.mul(dNew, dUpdateHmN!);
      dInputs[t] = tf.concat([drPre, dzPre, dnPre], 1) as Tensor2D;
      dRecurrent[t] = tf.concat([drPre, dzPre, tf.mul(dnPre, r!)], 1) as Tensor2D;
      dh = tf.add(tf.mul(dNew, z!), tf.matMul(dRecurrent[t]!, weightHh)) as Tensor2D;
    } else {
      const dPre = tf.mul(dNew, pre.slope![t]!) as Tensor2D;
      dInputs[t] = dPre;
      dRecurrent[t] = dPre;
      dh = tf.matMul(dPre, weightHh);
    }
    if (carriedH) dh = tf.add(dh, carriedH) as Tensor2D;
  }
  const rows = (list: Tensor2D[]) => tf.reshape(tf.stack(list), [steps * batch, -1]) as Tensor2D;
  const allRecurrent = rows(dRecurrent);
  const grads: Grads = {
    projected: rows(dInputs),
    h0: dh,
    // (Hprevᵀ · DZ)ᵀ: transposing the narrow H_prev and the small product beats transposing DZ.
    weightHh: tf.transpose(tf.matMul(tf.transpose(rows(hPrev)), allRecurrent)),
  };
  if (dc) grads.c0 = dc;
  if (given.biasHh) grads.biasHh = tf.sum(allRecurrent, 0);
  if (given.weightHr)
    grads.weightHr = tf.matMul(tf.transpose(rows(dProjected.reverse())), rows(fullH.reverse()));
  return grads;
}
