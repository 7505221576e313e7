/**
 * The gossiped membership view (pure): every node's own description, merged by one rule — for
 * the same node id, the entry with the higher (generation, version) wins. A node bumps its
 * version when it changes its own entry and starts a new generation on every restart, so its
 * newest word always wins, and every node that has heard the same entries holds the same view.
 */
import type { NodeId } from '../versioning/types';

export type MemberStatus = 'joining' | 'normal' | 'leaving' | 'removed';

export interface MemberInfo {
  readonly id: NodeId;
  /** cluster-port address, host:port */
  readonly address: string;
  /** where clients reach it (RESP) */
  readonly respHost: string;
  readonly respPort: number;
  readonly zone: string;
  readonly weight: number;
  /**
   * The placement settings the node runs with (`replicas`, `vnodes-per-weight`). Every node of a
   * cluster must use the same, or they place a key's replicas differently; absent in an entry
   * that a node of an older version gossiped or kept.
   */
  readonly replicas?: number;
  readonly vnodesPerWeight?: number;
  /**
   * When the process started (ms): its first generation, kept when the generation is raised (see
   * Membership.ownEntryHeard). Of two processes announcing one node id, the earlier keeps it.
   * Absent in entries of older versions (their generation stands in).
   */
  readonly started?: number;
  readonly status: MemberStatus;
  readonly generation: number;
  readonly version: number;
}

export type View = ReadonlyMap<NodeId, MemberInfo>;

export function newer(a: MemberInfo, b: MemberInfo): boolean {
  return a.generation !== b.generation ? a.generation > b.generation : a.version > b.version;
}

/** merge incoming entries into a view; `changed` lists the ids whose entry was replaced or added */
export function mergeView(view: View, incoming: readonly MemberInfo[]): { view: View; changed: NodeId[] } {
  let next: Map<NodeId, MemberInfo> | null = null;
  const changed: NodeId[] = [];
  for (const m of incoming) {
    const cur = (next ?? view).get(m.id);
    if (cur && !newer(m, cur)) continue;
    next ??= new Map(view);
    next.set(m.id, m);
    changed.push(m.id);
  }
  return { view: next ?? view, changed };
}

/** this node's own entry after a change: same generation, next version */
export function bump(self: MemberInfo, change: Partial<Omit<MemberInfo, 'id' | 'generation' | 'version'>>): MemberInfo {
  return { ...self, ...change, version: self.version + 1 };
}

/**
 * Members that hold a place on the ring requests are routed by: `normal` and `leaving` ones. A
 * `joining` member is left out until it has received its data and turned itself `normal` (so no
 * read is sent to a node that does not hold the data yet); a `leaving` member stays in until it
 * has handed its data over and turned itself `removed` (so it keeps taking the writes that it may
 * still have to hand over).
 */
export function ringMembers(view: View): MemberInfo[] {
  return [...view.values()].filter(onRing);
}

export function onRing(m: MemberInfo): boolean {
  return m.status === 'normal' || m.status === 'leaving';
}

/** members the ring will hold once every change under way is done: `normal` and `joining` */
export function futureRingMembers(view: View): MemberInfo[] {
  return [...view.values()].filter((m) => m.status === 'normal' || m.status === 'joining');
}

/**
 * The entry that marks another node as gone for good (CLUSTER FORGET): `removed`, same
 * generation, a version past the last one heard, so it beats every entry of that generation.
 */
export function forgotten(entry: MemberInfo): MemberInfo {
  return { ...entry, status: 'removed', version: entry.version + 1 };
}

/** true when both entries name their placement settings and these differ */
export function placementDiffers(a: MemberInfo, b: MemberInfo): boolean {
  const differs = (x: number | undefined, y: number | undefined): boolean => x !== undefined && y !== undefined && x !== y;
  return differs(a.replicas, b.replicas) || differs(a.vnodesPerWeight, b.vnodesPerWeight);
}

/** `replicas 3, vnodes-per-weight 64` (what is unknown is left out) */
export function describePlacement(m: MemberInfo): string {
  const parts: string[] = [];
  if (m.replicas !== undefined) parts.push(`replicas ${m.replicas}`);
  if (m.vnodesPerWeight !== undefined) parts.push(`vnodes-per-weight ${m.vnodesPerWeight}`);
  return parts.join(', ');
}

/** a short digest of a view to compare cheaply (ids with generation.version) */
export function viewDigest(view: View): string {
  return [...view.values()]
    .map((m) => `${m.id}@${m.generation}.${m.version}`)
    .sort()
    .join(',');
}
