/**
 * Reads the options of a Keras layer's config (`layer.get_config()`, or a layer's `config` in
 * model.json) that decide the function its weights compute, and refuses, naming the option, the
 * ones gated's layers do not compute. Keys are Keras's snake_case; `null` means "not set", as
 * tfjs-layers writes it. Training-only options (`dropout`, `recurrent_dropout`, initialisers,
 * regularisers, constraints, `unit_forget_bias`) and speed options (`unroll`, `implementation`)
 * do not change inference and are not read.
 */

export type KerasConfig = Record<string, unknown>;

/** The Keras recurrent layers gated runs, by their `class_name`. */
export type RecurrentClass = 'LSTM' | 'GRU' | 'SimpleRNN';

/** A Keras recurrent layer's options, once gated can run them. */
export interface RecurrentConfig {
  className: RecurrentClass;
  /** `units`, when the config gives it. */
  units?: number;
  /** `use_bias`. Default `true`, as in Keras. */
  useBias: boolean;
  /** SimpleRNN's `activation`; `'tanh'` for LSTM and GRU. Default `'tanh'`, as in Keras. */
  nonlinearity: 'tanh' | 'relu';
  /** `return_sequences`: every step's output, or only the last. Default `false`, as in Keras. */
  returnSequences: boolean;
  /** `return_state`. Default `false`. Only a whole-model load refuses `true`. */
  returnState: boolean;
}

/** The `Dense` activations gated runs. */
export type DenseActivation = 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'softmax';

export interface DenseConfig {
  units?: number;
  /** Default `true`, as in Keras. */
  useBias: boolean;
  /** Default `'linear'` (none), as in Keras. */
  activation: DenseActivation;
}

export interface EmbeddingConfig {
  inputDim?: number;
  outputDim?: number;
  /** `mask_zero`. Default `false`. Only a whole-model load refuses `true`. */
  maskZero: boolean;
}

const HARD_SIGMOID_HINT =
  "gated's gates use the logistic sigmoid; 'hard_sigmoid' is the default of tfjs-layers and of " +
  "Keras before 2.3 — retrain with recurrent_activation='sigmoid' (tf.layers: recurrentActivation: 'sigmoid')";

const RESET_AFTER_HINT =
  'reset_after=False applies the reset gate before the recurrent matrix product, a different ' +
  "function from gated's GRU (PyTorch's, which is Keras's reset_after=True, the default since " +
  'Keras 2.3 and the cuDNN layout); retrain with reset_after=True. tfjs-layers can only make ' +
  'reset_after=False GRUs, so train the GRU in Keras or PyTorch';

/**
 * @param where names the layer in messages, e.g. `LSTM 'lstm_1'`.
 * @param inBackward the config is a Bidirectional's backward half, where `go_backwards` is expected.
 */
export function readRecurrentConfig(
  className: RecurrentClass,
  config: KerasConfig,
  where: string,
  problems: string[],
  inBackward = false,
): RecurrentConfig {
  const option = optionReader(config, where, problems);
  const activations = className === 'SimpleRNN' ? ['tanh', 'relu'] : ['tanh'];
  const nonlinearity = option(
    'activation',
    activations,
    'tanh',
    `gated's ${className} computes tanh`,
  );
  if (className !== 'SimpleRNN') {
    option('recurrent_activation', ['sigmoid'], 'sigmoid', HARD_SIGMOID_HINT);
  }
  // Absent means True, the default since Keras 2.3; a GRU from before (reset-before, with no
  // key) still shows itself by its [3H] bias, which the weight check refuses with this hint.
  if (className === 'GRU') option('reset_after', [true], true, RESET_AFTER_HINT);
  option(
    'go_backwards',
    [inBackward],
    inBackward,
    inBackward
      ? "a Bidirectional's backward layer runs backwards"
      : 'reverse the time axis of the input yourself (tf.reverse(x, 1)) and load the layer with go_backwards=False',
  );
  option('stateful', [false], false, 'pass the state between calls yourself (step(x, state))');
  option(
    'time_major',
    [false],
    false,
    'gated runs Keras layers batch first, [batch, time, features]',
  );
  return {
    className,
    units: readUnits(config, 'units', where, problems),
    useBias: option('use_bias', [true, false], true, '') as boolean,
    nonlinearity: nonlinearity as 'tanh' | 'relu',
    returnSequences: option('return_sequences', [true, false], false, '') as boolean,
    returnState: option('return_state', [true, false], false, '') as boolean,
  };
}

export function readDenseConfig(
  config: KerasConfig,
  where: string,
  problems: string[],
): DenseConfig {
  const option = optionReader(config, where, problems);
  const activations: DenseActivation[] = ['linear', 'relu', 'tanh', 'sigmoid', 'softmax'];
  return {
    units: readUnits(config, 'units', where, problems),
    useBias: option('use_bias', [true, false], true, '') as boolean,
    activation: option(
      'activation',
      activations,
      'linear',
      'apply it to the output yourself',
    ) as DenseActivation,
  };
}

export function readEmbeddingConfig(
  config: KerasConfig,
  where: string,
  problems: string[],
): EmbeddingConfig {
  const option = optionReader(config, where, problems);
  return {
    inputDim: readUnits(config, 'input_dim', where, problems),
    outputDim: readUnits(config, 'output_dim', where, problems),
    maskZero: option('mask_zero', [true, false], false, '') as boolean,
  };
}

type OptionValue = string | boolean;

/**
 * `option(key, allowed, fallback, hint)` reads `config[key]` (`fallback` when absent or null),
 * records a problem naming the key, its value and the hint when it is not one of `allowed`.
 */
function optionReader(config: KerasConfig, where: string, problems: string[]) {
  return (
    key: string,
    allowed: OptionValue[],
    fallback: OptionValue,
    hint: string,
  ): OptionValue => {
    const given = config[key];
    const value = given === undefined || given === null ? fallback : given;
    if (allowed.includes(value as OptionValue)) return value as OptionValue;
    const accepted = allowed.map(show).join(' or ');
    problems.push(
      `${where}: ${key}=${show(value)} is not supported (gated runs ${key}=${accepted})${hint ? `; ${hint}` : ''}`,
    );
    return fallback;
  };
}

function readUnits(
  config: KerasConfig,
  key: string,
  where: string,
  problems: string[],
): number | undefined {
  const given = config[key];
  if (given === undefined || given === null) return undefined;
  if (typeof given === 'number' && Number.isInteger(given) && given > 0) return given;
  problems.push(`${where}: ${key} must be a positive integer, got ${show(given)}`);
  return undefined;
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return JSON.stringify(value) ?? String(value);
}
