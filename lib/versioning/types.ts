/**
 * The Dynamo data model, shared by every layer: a key's value is a *record* — a set of sibling
 * versions plus one version vector summarising every write the record has seen (a dotted
 * version vector set, as in Riak's dvvset). Pure data; the functions live beside this file.
 */

/** Stable node name (the `node-id` directive). */
export type NodeId = string;

/** Causal summary: for each node, how many writes it coordinated that this state has seen. */
export type VersionVector = ReadonlyMap<NodeId, number>;

/** The event that created one sibling: the `counter`-th write coordinated by `node`. */
export interface Dot {
  readonly node: NodeId;
  readonly counter: number;
}

/** What one sibling holds. `counter` (a PN-counter) is reserved for the INCR family. */
export type Payload =
  | { readonly kind: 'bytes'; readonly data: Buffer }
  | { readonly kind: 'tombstone' }
  | {
      readonly kind: 'counter';
      /** per-node increments and decrements; the value is sum(inc) - sum(dec) */
      readonly inc: ReadonlyMap<NodeId, bigint>;
      readonly dec: ReadonlyMap<NodeId, bigint>;
    };

export interface Sibling {
  readonly dot: Dot;
  readonly payload: Payload;
  /** wall-clock ms of the coordinator when written: plain GET shows the latest sibling */
  readonly ts: number;
  /** absolute expiry in unix ms, or null for none; part of the version so replicas agree */
  readonly expireAt: number | null;
}

/** Everything stored for one key. Siblings are kept in canonical order (by dot). */
export interface VRecord {
  readonly vv: VersionVector;
  readonly siblings: readonly Sibling[];
}

/** What a coordinator asks to be written: the new sibling, minus its dot. */
export interface NewVersion {
  readonly payload: Payload;
  readonly ts: number;
  readonly expireAt: number | null;
}
