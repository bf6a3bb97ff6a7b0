/** The weight roles a Keras layer has: `kernel`, `recurrent_kernel`, `bias`, `embeddings`. */
export type KerasRole = 'kernel' | 'recurrent_kernel' | 'bias' | 'embeddings';

/** Which half of a `Bidirectional` wrapper a weight belongs to; `single` outside one. */
export type KerasDirection = 'single' | 'forward' | 'backward';

/** A Keras weight's name, read: which weight it is and of which direction. */
export interface KerasWeightName {
  /** The name as given. */
  name: string;
  role: KerasRole;
  direction: KerasDirection;
}

const ROLES: readonly string[] = ['kernel', 'recurrent_kernel', 'bias', 'embeddings'];

/**
 * Reads what a Keras weight name says. The role is the last path segment (`:0` dropped); the
 * direction is a segment starting with `forward`/`backward`, as Bidirectional names its halves:
 *   `lstm/kernel` (tfjs-layers), `lstm/lstm_cell/kernel:0` (TF 2 Keras) → single, kernel
 *   `bidirectional/forward_lstm/lstm_cell/bias` → forward, bias
 * Undefined when the last segment is no role we know. `layerName`, when given, is the Keras
 * layer the weight belongs to: its own segment and those before it name no direction (a
 * one-way layer may be called `forward_lstm`).
 */
export function readKerasWeightName(name: string, layerName?: string): KerasWeightName | undefined {
  const segments = name.replace(/:\d+$/, '').split('/');
  const role = segments.at(-1) ?? '';
  if (!ROLES.includes(role)) return undefined;
  // Only the segments before the role can name a direction (a layer could be called forward_…).
  const before = segments.slice(0, -1);
  const owners = layerName === undefined ? before : before.slice(before.indexOf(layerName) + 1);
  const direction: KerasDirection = owners.some((s) => s.startsWith('backward'))
    ? 'backward'
    : owners.some((s) => s.startsWith('forward'))
      ? 'forward'
      : 'single';
  return { name, role: role as KerasRole, direction };
}

/**
 * Sorts a name → tensor map by direction and role, refusing (as problems, not a throw) names
 * with no role, and two names for one role. `layerName`: see `readKerasWeightName`.
 */
export function groupKerasWeights<T>(
  weights: Record<string, T>,
  problems: string[],
  layerName?: string,
): Map<KerasDirection, Map<KerasRole, { name: string; value: T }>> {
  const groups = new Map<KerasDirection, Map<KerasRole, { name: string; value: T }>>();
  for (const [name, value] of Object.entries(weights)) {
    const read = readKerasWeightName(name, layerName);
    if (read === undefined) {
      problems.push(
        `unexpected weight '${name}': its last name segment must be one of ${ROLES.join(', ')}`,
      );
      continue;
    }
    const group = groups.get(read.direction) ?? new Map();
    groups.set(read.direction, group);
    const already = group.get(read.role);
    if (already !== undefined) {
      problems.push(`weights '${already.name}' and '${name}' both give ${describe(read)}`);
      continue;
    }
    group.set(read.role, { name, value });
  }
  return groups;
}

function describe({ role, direction }: KerasWeightName): string {
  return direction === 'single' ? role : `the ${direction} layer's ${role}`;
}
