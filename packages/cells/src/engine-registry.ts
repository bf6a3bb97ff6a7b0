import { fusedEngine } from './fused-engine';
import type { RecurrenceEngine, RecurrenceSpec } from './recurrence-engine';
import { referenceEngine } from './reference-engine';

/*
 * The ordered list of recurrence engines and the one function that picks among them. Accelerators
 * register in front of the portable engines; the reference engine, last, runs everything.
 */

const engines: RecurrenceEngine[] = [fusedEngine, referenceEngine];

/** Which engine ran one direction of a layer, and why the ones before it did not. */
export interface EngineChoice {
  engine: string;
  /** Each engine tried first, with the reason it declined. */
  declined: Array<{ engine: string; reason: string }>;
}

/**
 * Puts `engine` in the registry: first by default, or just before the engine named `before`.
 * An engine of the same name is replaced. Returns a function that removes it again.
 */
export function registerRecurrenceEngine(
  engine: RecurrenceEngine,
  options: { before?: string } = {},
): () => void {
  if (!engine || typeof engine.name !== 'string' || typeof engine.unsupported !== 'function') {
    throw new Error(
      'registerRecurrenceEngine: expected an engine { name, unsupported(spec), run(spec, inputs) }',
    );
  }
  if (engine.name === referenceEngine.name) {
    throw new Error(`registerRecurrenceEngine: '${engine.name}' is the built-in reference engine`);
  }
  const existing = engines.findIndex((e) => e.name === engine.name);
  if (existing >= 0) engines.splice(existing, 1);
  const at = options.before ? engines.findIndex((e) => e.name === options.before) : 0;
  if (at < 0) {
    throw new Error(
      `registerRecurrenceEngine: no engine '${options.before}' to go before; registered: ${recurrenceEngineNames().join(', ')}`,
    );
  }
  engines.splice(at, 0, engine);
  return () => {
    const index = engines.indexOf(engine);
    if (index >= 0) engines.splice(index, 1);
  };
}

/** The registered engines' names, in the order they are tried. */
export function recurrenceEngineNames(): string[] {
  return engines.map((e) => e.name);
}

/**
 * The first engine that supports `spec`, or the engine named `required` (which must support it).
 * This is the one place where a recurrence's implementation is chosen.
 */
export function chooseEngine(
  spec: RecurrenceSpec,
  required?: string,
): { engine: RecurrenceEngine; choice: EngineChoice } {
  const declined: EngineChoice['declined'] = [];
  for (const engine of engines) {
    if (required !== undefined && engine.name !== required) continue;
    const reason = engine.unsupported(spec);
    if (reason === undefined) return { engine, choice: { engine: engine.name, declined } };
    if (required !== undefined) {
      throw new Error(`engine '${required}' cannot run this ${spec.kind}: ${reason}`);
    }
    declined.push({ engine: engine.name, reason });
  }
  if (required !== undefined) {
    throw new Error(
      `no recurrence engine '${required}'; registered: ${recurrenceEngineNames().join(', ')}`,
    );
  }
  // The reference engine supports every spec; reaching here means it was declined by mistake.
  throw new Error(`no recurrence engine supports this ${spec.kind}: ${JSON.stringify(declined)}`);
}
