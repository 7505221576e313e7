/**
 * Hints a write's coordinator keeps itself, beyond the ones for targets that failed (which the
 * fan-out reports): when the coordinator is itself a fallback, for the primary it stands in for
 * (its local write never travels as a REPLICA_WRITE with `h`), and for every primary no target
 * stands in for (fewer healthy nodes than N). Pure.
 */
import type { PreferenceEntry } from '../ring';
import type { NodeId } from '../versioning/types';

export function coordinatorHints(targets: readonly PreferenceEntry[], primaries: readonly NodeId[], self: NodeId): NodeId[] {
  const covered = new Set<NodeId>();
  const out: NodeId[] = [];
  for (const t of targets) {
    covered.add(t.fallbackFor ?? t.id);
    if (t.id === self && t.fallbackFor !== undefined) out.push(t.fallbackFor);
  }
  for (const id of primaries) if (id !== self && !covered.has(id)) out.push(id);
  return out;
}
