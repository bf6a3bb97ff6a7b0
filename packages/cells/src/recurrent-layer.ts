import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { assertShape } from './assert-shape';
import { chooseEngine, type EngineChoice } from './engine-registry';
import { Module } from './module';
import { type PackedSequence, packSequence, readLengths, reverseTime } from './packed-sequence';
import type { DirectionWeights, RecurrenceRun } from './recurrence-engine';
import { GATE_COUNT, type RecurrentKind } from './recurrence-kinds';
import {
  checkLayerOptions,
  type RecurrentForwardOptions,
  type RecurrentLayerOptions,
  type RecurrentState,
  type RecurrentStepOptions,
  type RecurrentStepOutput,
  type RecurrentTrace,
} from './recurrent-options';
import type { CellState } from './recurrent-step';
import { freshSeed, type RandomSource, seededRandom, uniformValues } from './seeded-random';
import { unstackFirst } from './unstack';

interface LayerResult<Gate extends string> {
  output: Tensor3D;
  hN: Tensor3D;
  cN?: Tensor3D;
  trace?: RecurrentTrace<Gate | 'hidden' | 'cellState'>;
}

/**
 * The loop shared by `RNN`, `LSTM` and `GRU`: layers × directions, each direction run by the
 * first recurrence engine that supports it (engine-registry.ts); `lastEngines` says which ran.
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
  private choices: EngineChoice[] = [];

  protected constructor(
    protected readonly kind: RecurrentKind,
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

  /** 2 when `bidirectional`, else 1: the `D` of the shapes. */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /**
   * Which engine ran each direction of the last `forward` or `step` (index layer * numDirections
   * + direction), and why the engines tried before it declined.
   */
  get lastEngines(): readonly EngineChoice[] {
    return this.choices;
  }

  private get hasCellState(): boolean {
    return this.kind.kind === 'lstm';
  }

  /** The seed of this call's dropout masks between layers, or undefined when none apply. */
  private dropoutSeed(given: number | undefined): number | undefined {
    if (!(this.training && this.dropout > 0 && this.numLayers > 1)) return undefined;
    return given ?? Math.floor(this.random() * 2 ** 31);
  }

  /** PyTorch's parameters and order: per layer, per direction, w_ih, w_hh, b_ih, b_hh, w_hr. */
  private createWeights(): void {
    const gateRows = GATE_COUNT[this.kind.kind] * this.hiddenSize;
    const bound = 1 / Math.sqrt(this.hiddenSize);
    const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
    const init = (shape: number[]) =>
      tf.tensor(uniformValues(this.random, size(shape), bound), shape);
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
    if (options.c0 && !this.hasCellState) {
      throw new Error(`${where}: c0 is only for LSTM; ${this.kind.name} has no cell state`);
    }
    if (options.c0) assertShape(where, 'c0', options.c0, [stateCount, batch, this.hiddenSize]);
    const lengths = options.lengths && readLengths(where, options.lengths, steps, batch);
    const dropoutSeed = this.dropoutSeed(options.dropoutSeed);

    const choices: EngineChoice[] = [];
    const result = tf.tidy(() => {
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
            c: this.hasCellState
              ? ((c0?.[index] ?? tf.zeros([batch, this.hiddenSize])) as Tensor2D)
              : undefined,
          };
          const reversed = direction === 1;
          const run = this.runDirection(
            reversed ? reverseTime(input, packed) : input,
            this.weights[index]!,
            state,
            { packed, tracing: options.trace ?? false, engine: options.engine, choices },
          );
          outputs.push(reversed ? reverseTime(run.output, packed) : run.output);
          hN.push(run.state.h);
          if (run.state.c) cN.push(run.state.c);
          if (run.trace) {
            const inTimeOrder = Object.fromEntries(
              Object.entries(run.trace).map(([name, t]) => [
                name,
                reversed ? reverseTime(t, packed) : t,
              ]),
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
      if (this.hasCellState) result.cN = tf.stack(cN) as Tensor3D; // [L*D, B, H]
      if (options.trace) result.trace = trace as RecurrentTrace<Gate | 'hidden' | 'cellState'>;
      return result as unknown as tf.TensorContainer;
    }) as unknown as LayerResult<Gate>;
    this.choices = choices;
    return result;
  }

  /**
   * One time step of every layer, for decoders: `x` `[B, inputSize]` and each layer's state in,
   * the top layer's new `h` and every layer's new state out. Dropout between layers as in
   * `forward` (training mode). Unidirectional layers only.
   */
  protected stepLayers(
    where: string,
    x: Tensor2D,
    state: RecurrentState | undefined,
    options: RecurrentStepOptions,
  ): RecurrentStepOutput {
    if (this.bidirectional) {
      throw new Error(
        `${where}: needs a unidirectional layer; a bidirectional one also reads the sequence backwards`,
      );
    }
    assertShape(where, 'x', x, ['batch', this.inputSize]);
    const batch = x.shape[0];
    if (batch === 0) throw new Error(`${where}: x must hold at least one sequence, got batch 0`);
    if (state?.h) assertShape(where, 'state.h', state.h, [this.numLayers, batch, this.outputSize]);
    if (state?.c && !this.hasCellState) {
      throw new Error(`${where}: state.c is only for LSTM; ${this.kind.name} has no cell state`);
    }
    if (state?.c) assertShape(where, 'state.c', state.c, [this.numLayers, batch, this.hiddenSize]);
    const dropoutSeed = this.dropoutSeed(options.dropoutSeed);
    const choices: EngineChoice[] = [];
    const result = tf.tidy(() => {
      const h0 = state?.h ? unstackFirst<Tensor2D>(state.h) : undefined;
      const c0 = state?.c ? unstackFirst<Tensor2D>(state.c) : undefined;
      let input = x; // [B, in]
      const hN: Tensor2D[] = [];
      const cN: Tensor2D[] = [];
      for (let layer = 0; layer < this.numLayers; layer++) {
        const initial: CellState = {
          h: h0?.[layer] ?? (tf.zeros([batch, this.outputSize]) as Tensor2D),
          c: this.hasCellState
            ? (c0?.[layer] ?? (tf.zeros([batch, this.hiddenSize]) as Tensor2D))
            : undefined,
        };
        const run = this.runDirection(
          tf.expandDims(input, 0) as Tensor3D,
          this.weights[layer]!,
          initial,
          { tracing: false, engine: options.engine, choices },
        );
        hN.push(run.state.h);
        if (run.state.c) cN.push(run.state.c);
        input = run.state.h; // [B, Hout]: after one step, the output is the new h
        if (dropoutSeed !== undefined && layer < this.numLayers - 1) {
          input = tf.dropout(input, this.dropout, undefined, dropoutSeed + layer) as Tensor2D;
        }
      }
      const out: RecurrentStepOutput = { output: hN.at(-1)!, hN: tf.stack(hN) as Tensor3D };
      if (this.hasCellState) out.cN = tf.stack(cN) as Tensor3D;
      return out as unknown as tf.TensorContainer;
    }) as unknown as RecurrentStepOutput;
    this.choices = choices;
    return result;
  }

  /**
   * One direction of one layer over a time-major sequence `[T, B, in]`, on the engine that
   * `chooseEngine` picks for it (recorded in `choices`). With `packed`, finished sequences keep
   * their state and output zeros.
   */
  private runDirection(
    sequence: Tensor3D,
    weights: DirectionWeights,
    initial: CellState,
    how: { packed?: PackedSequence; tracing: boolean; engine?: string; choices: EngineChoice[] },
  ): RecurrenceRun {
    const [steps, batch, inputSize] = sequence.shape;
    const spec = {
      kind: this.kind.kind,
      nonlinearity: this.kind.nonlinearity,
      steps,
      batch,
      inputSize,
      hidden: this.hiddenSize,
      outputSize: this.outputSize,
      projected: this.kind.projSize > 0,
      tracing: how.tracing,
      masked: how.packed !== undefined,
      backend: tf.getBackend(),
    };
    const { engine, choice } = chooseEngine(spec, how.engine);
    how.choices.push(choice);
    const x = tf.reshape(sequence, [steps * batch, inputSize]) as Tensor2D;
    return engine.run(spec, { x, weights, initial, mask: how.packed?.mask });
  }
}
