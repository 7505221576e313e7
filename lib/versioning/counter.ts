/**
 * PN-counter payloads for the INCR family: per-node increment and decrement totals, each only
 * ever growing, so concurrent counter siblings join (pointwise max) without losing increments
 * made on different sides of a partition.
 *
 * An increment is applied by the coordinator on its own replica, under the key's lock (Riak's
 * vnode-local counters): the write it sends carries a *delta* (`counterDelta`), and `applyWrite`
 * turns that into the new sibling with `counterWrite` — the join of the counter siblings the
 * context covers, plus the delta on the coordinator's own entry. A node's own entry is only
 * right when computed from the replica that holds all of that node's earlier increments, which
 * is why the total is never computed in the RESP layer. Pure.
 */
import { createHash } from 'node:crypto';
import type { Dot, NewVersion, NodeId, Payload, Sibling } from './types';
import { MAX_NODE_ID_BYTES } from './node-id-codec';

export type CounterPayload = Extract<Payload, { kind: 'counter' }>;

const ZERO: CounterPayload = { kind: 'counter', inc: new Map(), dec: new Map() };
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);

/** The counter with no increments (the value of a missing key for INCR). */
export function zeroCounter(): CounterPayload {
  return ZERO;
}

function sum(m: ReadonlyMap<NodeId, bigint>): bigint {
  let total = 0n;
  for (const v of m.values()) total += v;
  return total;
}

/** sum(inc) - sum(dec). */
export function counterValue(p: CounterPayload): bigint {
  return sum(p.inc) - sum(p.dec);
}

function joinMaps(a: ReadonlyMap<NodeId, bigint>, b: ReadonlyMap<NodeId, bigint>): Map<NodeId, bigint> {
  const out = new Map(a);
  for (const [node, v] of b) if (v > (out.get(node) ?? 0n)) out.set(node, v);
  return out;
}

/** Pointwise maximum of both totals: commutative, associative, idempotent. */
export function joinCounters(a: CounterPayload, b: CounterPayload): CounterPayload {
  return { kind: 'counter', inc: joinMaps(a.inc, b.inc), dec: joinMaps(a.dec, b.dec) };
}

/** The join of every counter sibling among `siblings` (zero when there is none). */
export function joinCounterSiblings(siblings: readonly Sibling[]): CounterPayload {
  let acc = ZERO;
  for (const s of siblings) if (s.payload.kind === 'counter') acc = joinCounters(acc, s.payload);
  return acc;
}

/** `p` with `delta` added under `node`: to its increments when positive, decrements when negative. */
export function addToCounter(p: CounterPayload, node: NodeId, delta: bigint): CounterPayload {
  if (delta === 0n) return p;
  if (delta > 0n) {
    const inc = new Map(p.inc);
    inc.set(node, (inc.get(node) ?? 0n) + delta);
    return { kind: 'counter', inc, dec: p.dec };
  }
  const dec = new Map(p.dec);
  dec.set(node, (dec.get(node) ?? 0n) - delta);
  return { kind: 'counter', inc: p.inc, dec };
}

// ---- counter writes: what a coordinator is asked to do, and what it makes of it ----

/** entry names inside a delta payload (a delta is never stored: applyWrite turns it into state) */
const DELTA = 'delta';
const SET_EXPIRY = 'set-expiry';

export type CounterErrorCode = 'COUNTER_NOT_INTEGER' | 'COUNTER_OVERFLOW';

/** An increment the current value cannot take; `code` is stable, the message is for logs. */
export class CounterError extends Error {
  constructor(
    readonly code: CounterErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CounterError';
  }
}

/**
 * The payload of an INCRBY-style write: add `delta` to the key's counter. With `setsExpiry` the
 * version's expireAt replaces the key's TTL (EXPIRE/PERSIST on a counter, delta 0); without it
 * the TTL the key had is kept, as INCR keeps it in Redis.
 */
export function counterDelta(delta: bigint, setsExpiry = false): CounterPayload {
  const inc = new Map<NodeId, bigint>();
  const dec = new Map<NodeId, bigint>();
  if (delta > 0n) inc.set(DELTA, delta);
  if (delta < 0n) dec.set(DELTA, -delta);
  if (setsExpiry) inc.set(SET_EXPIRY, 1n);
  return { kind: 'counter', inc, dec };
}

/** What a delta payload asks for (the inverse of counterDelta). */
export function readCounterDelta(p: CounterPayload): { delta: bigint; setsExpiry: boolean } {
  return { delta: (p.inc.get(DELTA) ?? 0n) - (p.dec.get(DELTA) ?? 0n), setsExpiry: (p.inc.get(SET_EXPIRY) ?? 0n) > 0n };
}

/** Redis's string2ll: "-0", "01", "+1", " 1" and anything past int64 are not integers. */
export function parseIntegerString(data: Buffer): bigint | null {
  if (data.length === 0 || data.length > 20) return null;
  const s = data.toString('latin1');
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  const v = BigInt(s);
  return v > I64_MAX || v < I64_MIN ? null : v;
}

function isLiveAt(s: Sibling, nowMs: number): boolean {
  return s.payload.kind !== 'tombstone' && (s.expireAt === null || s.expireAt > nowMs);
}

function later(a: Sibling, b: Sibling): boolean {
  if (a.ts !== b.ts) return a.ts > b.ts;
  if (a.dot.node !== b.dot.node) return a.dot.node > b.dot.node;
  return a.dot.counter > b.dot.counter;
}

/**
 * The counter entry an integer string's value goes under when INCR turns it into a counter: named
 * after the string's dot, so every coordinator that converts the same string makes the same
 * entry, and concurrent conversions join (max) to the value once. Under the coordinator's own
 * entry, two INCRs through two nodes of a key SET to 100 made 100 + 1 and 100 + 1, which joined
 * to 202. A name past the node-name limit (a peer's long dot name) is hashed.
 */
export function stringBaseEntry(dot: Dot): NodeId {
  const name = `=${dot.node}#${dot.counter}`;
  return Buffer.byteLength(name) <= MAX_NODE_ID_BYTES ? name : `=${createHash('sha256').update(name).digest('hex')}`;
}

/**
 * The value INCR starts from, given `siblings` (those a write replaces): what plain GET would
 * show of them. The latest sibling by ts decides: a live counter → the join of every live
 * counter sibling (so concurrent increments all count); a live integer string → a counter
 * holding that value under the string's own entry (stringBaseEntry); missing, deleted or expired
 * → zero. A live string that is not an integer throws COUNTER_NOT_INTEGER. `expireAt` is the TTL
 * the key has.
 */
export function counterBase(
  siblings: readonly Sibling[],
  nowMs: number,
): { state: CounterPayload; expireAt: number | null } {
  let latest: Sibling | undefined;
  for (const s of siblings) if (latest === undefined || later(s, latest)) latest = s;
  if (latest === undefined || !isLiveAt(latest, nowMs)) return { state: ZERO, expireAt: null };
  const p = latest.payload;
  if (p.kind === 'counter') {
    return { state: joinCounterSiblings(siblings.filter((s) => isLiveAt(s, nowMs))), expireAt: latest.expireAt };
  }
  const v = p.kind === 'bytes' ? parseIntegerString(p.data) : null;
  if (v === null) throw new CounterError('COUNTER_NOT_INTEGER', 'value is not an integer or out of range');
  return { state: addToCounter(ZERO, stringBaseEntry(latest.dot), v), expireAt: latest.expireAt };
}

/**
 * The version a counter delta `v` makes when coordinated by `node` over `replaced` (the siblings
 * its context covers on the coordinator's replica): base + delta on `node`'s own entry, with
 * Redis's int64 range kept (COUNTER_NOT_INTEGER when the base is already past it,
 * COUNTER_OVERFLOW when the delta would take it there).
 */
export function counterWrite(replaced: readonly Sibling[], node: NodeId, v: NewVersion & { payload: CounterPayload }): NewVersion {
  const { delta, setsExpiry } = readCounterDelta(v.payload);
  const base = counterBase(replaced, v.ts);
  const old = counterValue(base.state);
  if (old > I64_MAX || old < I64_MIN) throw new CounterError('COUNTER_NOT_INTEGER', 'value is not an integer or out of range');
  const next = old + delta;
  if (next > I64_MAX || next < I64_MIN) throw new CounterError('COUNTER_OVERFLOW', 'increment or decrement would overflow');
  return { payload: addToCounter(base.state, node, delta), ts: v.ts, expireAt: setsExpiry ? v.expireAt : base.expireAt };
}
