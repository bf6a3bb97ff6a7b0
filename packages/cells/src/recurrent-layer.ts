import type { Tensor, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { assertShape } from './assert-shape';
import { linearProduct, linearWithBias, recurrentProduct } from './fast-matmul';
import { type FusedRecurrence, fusedRecurrence } from './fused-recurrence';
import { recordingGradients } from './gradient-tape';
import { Module } from './module';
import {
  type Lengths,
  type PackedSequence,
  packSequence,
  readLengths,
  reverseTime,
} from './packed-sequence';
import { checkLayerOptions } from './recurrent-options';
import type { CellState, StepResult } from './recurrent-step';
import { freshSeed, type RandomSource, seededRandom, uniformValues } from './seeded-random';
import { onThreads, threadedRecurrence } from './threaded-recurrence';
import { transposedWeight } from './transposed-weights';
import { unstackFirst } from './unstack';
import { installWasmSliceKernels } from './wasm-slice-kernel';

/** Options shared by `RNN`, `LSTM` and `GRU`; the names and defaults are `torch.nn`'s. */
export interface RecurrentLayerOptions {
  /** Features per time step of the input `x`. */
  inputSize: number;
  /** Features of the hidden state `h`. */
  hiddenSize: number;
  /** Stacked layers; layer k > 0 reads layer k-1's output. Default 1. */
  numLayers?: number;
  /** Use `b_ih` and `b_hh`. Default `true`, as in PyTorch. */
  bias?: boolean;
  /** `x` and `output` are `[batch, seq, feature]` instead of `[seq, batch, feature]`. Default `false`. */
  batchFirst?: boolean;
  /** Dropout on each layer's output except the last, in training mode only. Default 0. */
  dropout?: number;
  /** Also run each layer from the end to the start and concatenate both outputs. Default `false`. */
  bidirectional?: boolean;
  /** Seed for initialisation and dropout masks; omit for a fresh random one each time. */
  seed?: number;
}

/** Options of one `forward` call. */
export interface RecurrentForwardOptions {
  /** Initial hidden state `[numLayers * numDirections, B, Hout]`; zeros when omitted. */
  h0?: Tensor3D;
  /**
   * Length of each sequence (1..T), giving PyTorch's packed-sequence meaning: steps past a
   * sequence's end leave its state unchanged and output zeros, `hN` is taken at its last valid
   * step, and the reverse direction starts there.
   */
  lengths?: Lengths;
  /** Also return every gate's activation per step (for visualisation). Default `false`. */
  trace?: boolean;
  /**
   * Seed of this call's dropout masks, for training that must repeat exactly after a resume;
   * by default each call draws one from the layer's seeded generator.
   */
  dropoutSeed?: number;
}

/** Per layer, each direction's activations, each `[T, B, H]` in time order (whatever `batchFirst`). */
export type RecurrentTrace<Name extends string> = Array<{
  forward: Record<Name, Tensor3D>;
  reverse?: Record<Name, Tensor3D>;
}>;

/** The weights of one layer in one direction, in PyTorch's layouts. */
export interface DirectionWeights {
  weightIh: Variable; // [G*H, in]
  weightHh: Variable; // [G*H, Hout]
  biasIh?: Variable; // [G*H]
  biasHh?: Variable; // [G*H]
  weightHr?: Variable; // [P, H], LSTM with projSize only
}

/** What distinguishes the kinds to the shared layer loop. */
export interface RecurrentKind<Gate extends string> {
  /** Class name used in messages: `'LSTM'`. */
  name: string;
  /** Gate blocks stacked in `weight_ih`: 1 (RNN), 3 (GRU), 4 (LSTM). */
  gateCount: number;
  /** The GRU needs `b_hh` inside the reset-gated term; the others fold it into the input projection. */
  recurrentBiasInStep: boolean;
  /** Carries a cell state `c` (LSTM). */
  hasCellState: boolean;
  /** `projSize` of an LSTM, else 0. */
  projSize: number;
  /** The same recurrence for the fused (untraced) path. */
  fused: Pick<FusedRecurrence, 'kind' | 'nonlinearity'>;
  step(
    xGates: Tensor2D,
    hGates: Tensor2D,
    state: CellState,
    weights: DirectionWeights,
  ): StepResult<Gate>;
}

interface LayerResult<Gate extends string> {
  output: Tensor3D;
  hN: Tensor3D;
  cN?: Tensor3D;
  trace?: RecurrentTrace<Gate | 'hidden' | 'cellState'>;
}

type TraceLists = Record<string, Tensor2D[]>;

/**
 * The loop shared by `RNN`, `LSTM` and `GRU`: layers × directions, each one input matmul for all
 * time steps, then one recurrent matmul and the kind's gate math per step.
 */
export abstract class RecurrentLayer<Gate extends string> extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** Features of `h` and of each direction's output: `projSize` if set, else `hiddenSize`. */
  readonly outputSize: number;
  protected readonly weights: DirectionWeights[] = []; // index layer * numDirections + direction
  private readonly random: RandomSource;

  protected constructor(
    protected readonly kind: RecurrentKind<Gate>,
    options: RecurrentLayerOptions,
  ) {
    super();
    checkLayerOptions(kind.name, options, kind.projSize);
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.numLayers = options.numLayers ?? 1;
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = options.dropout ?? 0;
    this.bidirectional = options.bidirectional ?? false;
    this.outputSize = kind.projSize > 0 ? kind.projSize : this.hiddenSize;
    this.random = seededRandom(options.seed ?? freshSeed());
    this.createWeights();
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** PyTorch's parameters and order: per layer, per direction, w_ih, w_hh, b_ih, b_hh, w_hr. */
  private createWeights(): void {
    const gateRows = this.kind.gateCount * this.hiddenSize;
    const bound = 1 / Math.sqrt(this.hiddenSize);
    const init = (shape: number[]) =>
      tf.tensor(
        uniformValues(
          this.random,
          shape.reduce((a, b) => a * b, 1),
          bound,
        ),
        shape,
      );
    for (let layer = 0; layer < this.numLayers; layer++) {
      const layerInput = layer === 0 ? this.inputSize : this.outputSize * this.numDirections;
      for (let direction = 0; direction < this.numDirections; direction++) {
        const suffix = `_l${layer}${direction === 1 ? '_reverse' : ''}`;
        const w: DirectionWeights = {
          weightIh: this.registerParameter(`weight_ih${suffix}`, init([gateRows, layerInput])),
          weightHh: this.registerParameter(`weight_hh${suffix}`, init([gateRows, this.outputSize])),
        };
        if (this.bias) {
          w.biasIh = this.registerParameter(`bias_ih${suffix}`, init([gateRows]));
          w.biasHh = this.registerParameter(`bias_hh${suffix}`, init([gateRows]));
        }
        if (this.kind.projSize > 0) {
          w.weightHr = this.registerParameter(
            `weight_hr${suffix}`,
            init([this.kind.projSize, this.hiddenSize]),
          );
        }
        this.weights.push(w);
      }
    }
  }

  /**
   * Runs every layer over `x` (`[T, B, in]`, or `[B, T, in]` with `batchFirst`). Checks every
   * argument first, then works inside one `tidy`: only the returned tensors survive.
   */
  protected runLayers(
    where: string,
    x: Tensor3D,
    options: RecurrentForwardOptions & { c0?: Tensor3D },
  ): LayerResult<Gate> {
    const layout = this.batchFirst ? '(batchFirst)' : '(seq-first)';
    const named = this.batchFirst
      ? ['batch', 'seq', this.inputSize]
      : ['seq', 'batch', this.inputSize];
    assertShape(where, 'x', x, named, layout);
    const [steps, batch] = this.batchFirst ? [x.shape[1], x.shape[0]] : [x.shape[0], x.shape[1]];
    if (steps === 0) throw new Error(`${where}: x must have at least one time step, got 0`);
    if (batch === 0) throw new Error(`${where}: x must hold at least one sequence, got batch 0`);
    const stateCount = this.numLayers * this.numDirections;
    if (options.h0) assertShape(where, 'h0', options.h0, [stateCount, batch, this.outputSize]);
    if (options.c0 && !this.kind.hasCellState) {
      throw new Error(`${where}: c0 is only for LSTM; ${this.kind.name} has no cell state`);
    }
    if (options.c0) assertShape(where, 'c0', options.c0, [stateCount, batch, this.hiddenSize]);
    const lengths = options.lengths && readLengths(where, options.lengths, steps, batch);
    const dropping = this.training && this.dropout > 0 && this.numLayers > 1;
    const dropoutSeed = dropping
      ? (options.dropoutSeed ?? Math.floor(this.random() * 2 ** 31))
      : undefined;

    return tf.tidy(() => {
      const packed = lengths ? packSequence(lengths, steps) : undefined;
      const h0 = options.h0 ? unstackFirst<Tensor2D>(options.h0) : undefined;
      const c0 = options.c0 ? unstackFirst<Tensor2D>(options.c0) : undefined;
      let input: Tensor3D = this.batchFirst ? tf.transpose(x, [1, 0, 2]) : x; // [T, B, in]
      const hN: Tensor2D[] = [];
      const cN: Tensor2D[] = [];
      const trace: RecurrentTrace<string> = [];
      for (let layer = 0; layer < this.numLayers; layer++) {
        const outputs: Tensor3D[] = [];
        const layerTrace: RecurrentTrace<string>[number] = { forward: {} };
        for (let direction = 0; direction < this.numDirections; direction++) {
          const index = layer * this.numDirections + direction;
          const state: CellState = {
            h: (h0?.[index] ?? tf.zeros([batch, this.outputSize])) as Tensor2D,
            c: this.kind.hasCellState
              ? ((c0?.[index] ?? tf.zeros([batch, this.hiddenSize])) as Tensor2D)
              : undefined,
          };
          const reversed = direction === 1;
          const run = this.runDirection(
            reversed ? reverseTime(input, packed) : input,
            this.weights[index]!,
            state,
            packed,
            options.trace ?? false,
          );
          outputs.push(reversed ? reverseTime(run.output, packed) : run.output);
          hN.push(run.state.h);
          if (run.state.c) cN.push(run.state.c);
          if (run.trace) {
            const inTimeOrder = stackTrace(run.trace, (t) =>
              reversed ? reverseTime(t, packed) : t,
            );
            if (reversed) layerTrace.reverse = inTimeOrder;
            else layerTrace.forward = inTimeOrder;
          }
        }
        trace.push(layerTrace);
        input = outputs.length === 1 ? outputs[0]! : tf.concat(outputs, 2); // [T, B, D*Hout]
        if (dropoutSeed !== undefined && layer < this.numLayers - 1) {
          input = tf.dropout(input, this.dropout, undefined, dropoutSeed + layer) as Tensor3D;
        }
      }
      const result: LayerResult<Gate> = {
        output: this.batchFirst ? tf.transpose(input, [1, 0, 2]) : input,
        hN: tf.stack(hN) as Tensor3D, // [L*D, B, Hout]
      };
      if (this.kind.hasCellState) result.cN = tf.stack(cN) as Tensor3D; // [L*D, B, H]
      if (options.trace) result.trace = trace as RecurrentTrace<Gate | 'hidden' | 'cellState'>;
      return result as unknown as tf.TensorContainer;
    }) as unknown as LayerResult<Gate>;
  }

  /**
   * One direction of one layer over a time-major sequence `[T, B, in]`: one matmul projects
   * every step's input, then each step adds the recurrent projection and applies the gates.
   * With `packed`, finished sequences keep their state and output zeros. Three ways, the same
   * function: on two threads (Node, larger sizes: threaded-recurrence.ts), one
   * differentiable op per direction (fused-recurrence.ts), or op by op when tracing the gates.
   */
  private runDirection(
    sequence: Tensor3D,
    w: DirectionWeights,
    initial: CellState,
    packed: PackedSequence | undefined,
    tracing: boolean,
  ): { output: Tensor3D; state: CellState; trace?: TraceLists } {
    const [steps, batch, features] = sequence.shape;
    const gateWidth = this.kind.gateCount * this.hiddenSize;
    const rows = tf.reshape(sequence, [steps * batch, features]) as Tensor2D;
    // The input bias (and, where the kind allows, the recurrent one) joins the projection.
    const inStep = this.kind.recurrentBiasInStep;
    const inputBias =
      w.biasIh && w.biasHh ? (inStep ? w.biasIh : tf.add(w.biasIh, w.biasHh)) : undefined;
    const stepBias = inStep ? w.biasHh : undefined;
    if (!tracing && !w.weightHr && onThreads(steps, batch, this.hiddenSize)) {
      // Node with a second core: the whole direction, projection and gradients included.
      const { kind, nonlinearity } = this.kind.fused;
      const run = threadedRecurrence(
        kind,
        {
          x: rows,
          weightIh: w.weightIh,
          bias: inputBias,
          weightHh: w.weightHh,
          biasHh: stepBias,
          h0: initial.h,
          c0: initial.c,
          mask: packed?.mask,
        },
        { steps, batch, training: recordingGradients(), relu: nonlinearity === 'relu' },
      );
      return { output: run.output, state: { h: run.h, c: run.c } };
    }
    const projected: Tensor = inputBias
      ? linearWithBias(rows, w.weightIh, inputBias)
      : linearProduct(rows, w.weightIh);
    if (!tracing) {
      // The fast path: one op with hand-written backpropagation through time.
      const fused = fusedRecurrence(
        { ...this.kind.fused, steps, batch, hidden: this.hiddenSize, outputSize: this.outputSize },
        {
          projected: projected as Tensor2D,
          h0: initial.h,
          c0: initial.c,
          weightHh: w.weightHh,
          biasHh: stepBias,
          weightHr: w.weightHr,
          mask: packed?.mask,
        },
      );
      return { output: fused.output, state: { h: fused.h, c: fused.c } };
    }
    // The traced path: the same math step by step on the tape, keeping every gate.
    installWasmSliceKernels(); // it takes a slice per step
    const masks = packed ? (tf.unstack(packed.mask) as Tensor2D[]) : undefined; // each [B, 1]
    const holds = packed ? (tf.unstack(tf.sub(1, packed.mask)) as Tensor2D[]) : undefined;
    const outputs: Tensor2D[] = [];
    const trace: TraceLists | undefined = tracing ? {} : undefined;
    // One unstack (gradient: one stack), cheap with the wasm kernels installed in runLayers.
    const xGates = unstackFirst<Tensor2D>(tf.reshape(projected, [steps, batch, gateWidth])); // T × [B, G*H]
    const weightHhT = transposedWeight(w.weightHh); // once per sequence, not once per step
    let state = initial;
    for (let t = 0; t < steps; t++) {
      const previous = state;
      const next = tf.tidy(() => {
        let hGates = recurrentProduct(previous.h, w.weightHh, weightHhT); // [B, G*H]
        if (stepBias) hGates = tf.add(hGates, stepBias);
        const { state: stepped, gates } = this.kind.step(xGates[t]!, hGates, previous, w);
        const mask = masks?.[t];
        const hold = holds?.[t];
        const out = mask ? (tf.mul(stepped.h, mask) as Tensor2D) : stepped.h;
        const kept: CellState = {
          h: hold ? freeze(out, previous.h, hold) : stepped.h,
          c: stepped.c && (hold ? freeze(tf.mul(stepped.c, mask!), previous.c!, hold) : stepped.c),
        };
        const visible: Record<string, Tensor2D> = {};
        if (tracing) {
          const shown: Record<string, Tensor2D> = { ...gates, hidden: stepped.h };
          if (stepped.c) shown.cellState = stepped.c;
          for (const [name, value] of Object.entries(shown)) {
            visible[name] = mask ? (tf.mul(value, mask) as Tensor2D) : value;
          }
        }
        return { out, kept, visible } as unknown as tf.TensorContainer;
      }) as unknown as { out: Tensor2D; kept: CellState; visible: Record<string, Tensor2D> };
      outputs.push(next.out);
      state = next.kept;
      if (trace) {
        for (const [name, value] of Object.entries(next.visible)) {
          const list = trace[name] ?? [];
          list.push(value);
          trace[name] = list;
        }
      }
    }
    return { output: tf.stack(outputs) as Tensor3D, state, trace };
  }
}

/** `maskedNew + hold * old` (hold = 1 - mask): the new value on real steps, the old one past the end. */
function freeze(maskedNew: Tensor2D, old: Tensor2D, hold: Tensor2D): Tensor2D {
  return tf.add(maskedNew, tf.mul(old, hold)) as Tensor2D;
}

function stackTrace(
  lists: TraceLists,
  order: (sequence: Tensor3D) => Tensor3D,
): Record<string, Tensor3D> {
  const stacked: Record<string, Tensor3D> = {};
  for (const [name, values] of Object.entries(lists))
    stacked[name] = order(tf.stack(values) as Tensor3D);
  return stacked;
}
