/**
 * What ownership transfer moves, as pure functions of two rings (before and after a membership
 * change): which slots a node gains and from whom to pull them, and which slots a leaving node
 * must push to whom. Slots go out as spans of contiguous slots, so a plan is a few hundred spans
 * at most (one per partition in the worst case).
 */
import { ownershipChanges, preferenceList, type Ring } from '../ring';
import type { NodeId } from '../versioning/types';

/** slots from..to, inclusive */
export type SlotSpan = readonly [from: number, to: number];

/** ascending slots → the fewest spans covering exactly them */
export function spansOf(slots: readonly number[]): SlotSpan[] {
  const out: Array<[number, number]> = [];
  for (const s of slots) {
    const last = out[out.length - 1];
    if (last !== undefined && last[1] + 1 === s) last[1] = s;
    else out.push([s, s]);
  }
  return out;
}

/** total slots of a list of spans */
export function spanSlots(spans: readonly SlotSpan[]): number {
  return spans.reduce((n, [a, b]) => n + b - a + 1, 0);
}

/** true when slot lies in one of the (ascending) spans */
export function inSpans(spans: readonly SlotSpan[], slot: number): boolean {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = spans[mid]!;
    if (slot < a) hi = mid - 1;
    else if (slot > b) lo = mid + 1;
    else return true;
  }
  return false;
}

function groupBy(pairs: Iterable<[NodeId, number]>): Map<NodeId, SlotSpan[]> {
  const slots = new Map<NodeId, number[]>();
  for (const [id, slot] of pairs) {
    const list = slots.get(id) ?? [];
    list.push(slot);
    slots.set(id, list);
  }
  const out = new Map<NodeId, SlotSpan[]>();
  for (const id of [...slots.keys()].sort()) out.set(id, spansOf(slots.get(id)!.sort((a, b) => a - b)));
  return out;
}

/** the slots `self` holds (first n) in `after` and did not hold in `before` */
export function gainedSlots(before: Ring, after: Ring, self: NodeId, n: number): number[] {
  return ownershipChanges(before, after, n).get(self)?.gained ?? [];
}

/**
 * Pulls for `self` going from `before` to `after`: per previous holder of a gained slot (self
 * left out), the spans of gained slots it held. Every holder is listed, not one: a write may have
 * reached only W of them, and the union is what the new holder must end up with.
 */
export function pullPlan(before: Ring, after: Ring, self: NodeId, n: number): Map<NodeId, SlotSpan[]> {
  const pairs: Array<[NodeId, number]> = [];
  for (const slot of gainedSlots(before, after, self, n)) {
    for (const id of preferenceList(before, slot, n)) if (id !== self) pairs.push([id, slot]);
  }
  return groupBy(pairs);
}

/**
 * A joiner's catch-up after its own join (writes that raced it went to the slots' previous
 * holders): per previous holder that is no longer among a gained slot's first n, the spans of
 * those slots. Holders that stay replicas are left out: anti-entropy between the slot's replicas
 * brings over what they have, so only a node that leaves the slot can hold something no replica
 * will ever exchange.
 */
export function catchUpPlan(before: Ring, after: Ring, self: NodeId, n: number): Map<NodeId, SlotSpan[]> {
  const pairs: Array<[NodeId, number]> = [];
  for (const slot of gainedSlots(before, after, self, n)) {
    const stays = new Set(preferenceList(after, slot, n));
    for (const id of preferenceList(before, slot, n)) if (id !== self && !stays.has(id)) pairs.push([id, slot]);
  }
  return groupBy(pairs);
}

/**
 * Pushes of a leaving `self` (in `before`, not in `after`): per node that gains a slot self held,
 * the spans of those slots. Gains between other nodes (the placement's quota cascade) are not
 * self's to push: their new holders pull them when they see the new ring (pullPlan).
 */
export function pushPlan(before: Ring, after: Ring, self: NodeId, n: number): Map<NodeId, SlotSpan[]> {
  const pairs: Array<[NodeId, number]> = [];
  for (const [id, change] of ownershipChanges(before, after, n)) {
    if (id === self) continue;
    for (const slot of change.gained) if (preferenceList(before, slot, n).includes(self)) pairs.push([id, slot]);
  }
  return groupBy(pairs);
}
