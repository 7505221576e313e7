/** The INFO `handoff` section: fields in Redis's "field:value" form. */
import type { HintStats } from './hint-store';

export type InfoFields = Array<[string, string | number]>;

const EMPTY: HintStats = { pending: 0, perTarget: new Map(), delivered: 0, dropped: 0 };

/**
 * hints_pending, hints_per_target ("n1=3,n4=12", targets in id order; empty when none),
 * hints_delivered, hints_dropped, hints_released (copies a fallback dropped after delivering
 * them). `stats` null (hinted-handoff no) gives zeros.
 */
export function handoffInfoFields(stats: HintStats | null, released = 0): InfoFields {
  const s = stats ?? EMPTY;
  const perTarget = [...s.perTarget]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, n]) => `${id}=${n}`)
    .join(',');
  return [
    ['hints_pending', s.pending],
    ['hints_per_target', perTarget],
    ['hints_delivered', s.delivered],
    ['hints_dropped', s.dropped],
    ['hints_released', released],
  ];
}
