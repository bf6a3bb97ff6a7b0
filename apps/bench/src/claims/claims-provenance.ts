import { describeMachine } from '../machine';
import { CLAIM_NAMES, type ClaimName, type ClaimsResults } from './claims-results';

/**
 * The machine line of a run: a whole run is its own; a run with `only` keeps the earlier run's
 * machine and date for the claims it reuses and adds this machine and date for those it measured.
 */
export function provenance(
  only: readonly ClaimName[] | undefined,
  earlier: ClaimsResults | undefined,
): Pick<ClaimsResults, 'machine' | 'reruns'> {
  if (!only || !earlier) return { machine: describeMachine() };
  // The memory horizon and the GRU-LSTM race are measured together: asking for one reruns both.
  const together: ClaimName[] = ['memory', 'gru-vs-lstm'];
  const measured = only.some((name) => together.includes(name)) ? [...only, ...together] : only;
  const claims = CLAIM_NAMES.filter((name) => measured.includes(name));
  if (claims.length === CLAIM_NAMES.length) return { machine: describeMachine() }; // nothing reused
  return {
    machine: earlier.machine,
    reruns: [...(earlier.reruns ?? []), { claims, machine: describeMachine() }],
  };
}
