/**
 * Zone spreading: from candidates in walk (rendezvous) order, produce the order that takes one
 * node per zone before a second from any zone, and so on — the greedy rule "next = the candidate
 * whose zone has been used least so far, ties to the earlier one in walk order". With ≥ n zones
 * the first n are in n different zones; with fewer, zone counts differ by at most one as long as
 * the zones have nodes left.
 */

/**
 * Reorders `candidates` (member indices in walk order). `zoneUse[z]` is how many nodes of zone z
 * are already taken (e.g. healthy primaries when choosing fallbacks); it is read, not changed.
 */
export function spreadOrder(candidates: readonly number[], zoneOf: Int32Array, zoneUse?: Int32Array): number[] {
  const seen = new Map<number, number>();
  const ranked = candidates.map((member, pos) => {
    const zone = zoneOf[member] as number;
    const before = seen.get(zone) ?? 0;
    seen.set(zone, before + 1);
    return { member, pos, rank: before + (zoneUse === undefined ? 0 : (zoneUse[zone] as number)) };
  });
  ranked.sort((a, b) => a.rank - b.rank || a.pos - b.pos);
  return ranked.map((r) => r.member);
}
