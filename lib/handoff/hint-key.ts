/**
 * Layout of a hint inside the Store (namespace NS_HINT, see storage/keys.ts):
 *
 *   0x02 | target-id length (u8) | target id (utf8) | slot (u16be) | user key
 *
 * so the hints of one target are one contiguous range, in slot then key order, and a delivery
 * pages through them with plain range scans. The value is the time the hint was first written
 * (float64be ms, for operators); the data itself is the node's own record of the key.
 */
import { NS_HINT, SLOTS } from '../storage/keys';
import type { NodeId } from '../versioning/types';
import { HandoffError } from './errors';

export const MAX_TARGET_BYTES = 255;

export interface HintAddress {
  readonly target: NodeId;
  readonly slot: number;
  readonly key: Buffer;
}

function targetBytes(target: NodeId): Buffer {
  const id = Buffer.from(target, 'utf8');
  if (id.length === 0 || id.length > MAX_TARGET_BYTES) {
    throw new HandoffError('HINT_BAD_TARGET', `hint target id must be 1..${MAX_TARGET_BYTES} utf8 bytes`);
  }
  return id;
}

function targetPrefix(target: NodeId): Buffer {
  const id = targetBytes(target);
  const out = Buffer.allocUnsafe(2 + id.length);
  out[0] = NS_HINT;
  out[1] = id.length;
  id.copy(out, 2);
  return out;
}

export function hintKey(target: NodeId, slot: number, key: Buffer): Buffer {
  if (!Number.isInteger(slot) || slot < 0 || slot >= SLOTS) throw new HandoffError('HINT_BAD_SLOT', `slot ${slot} out of range`);
  const prefix = targetPrefix(target);
  const out = Buffer.allocUnsafe(prefix.length + 2 + key.length);
  prefix.copy(out, 0);
  out.writeUInt16BE(slot, prefix.length);
  key.copy(out, prefix.length + 2);
  return out;
}

/** target, slot and user key of a stored hint key; throws HINT_MALFORMED on anything else */
export function parseHintKey(k: Buffer): HintAddress {
  if (k.length < 2 || k[0] !== NS_HINT) throw new HandoffError('HINT_MALFORMED', 'not a hint key');
  const len = k[1] as number;
  if (len === 0 || k.length < 2 + len + 2) throw new HandoffError('HINT_MALFORMED', 'hint key too short');
  const target = k.toString('utf8', 2, 2 + len);
  const slot = k.readUInt16BE(2 + len);
  if (slot >= SLOTS) throw new HandoffError('HINT_MALFORMED', `hint slot ${slot} out of range`);
  return { target, slot, key: Buffer.from(k.subarray(2 + len + 2)) };
}

/** [gte, lt) of every hint of the target; `after` (a hint key of it) starts just past that key */
export function targetRange(target: NodeId, after: Buffer | null = null): { gte: Buffer; lt: Buffer } {
  const prefix = targetPrefix(target);
  // every key of the target starts with prefix (utf8 never holds 0xff, so bumping works)
  const lt = successorOfPrefix(prefix);
  const gte = after === null ? prefix : Buffer.concat([after, Buffer.from([0])]);
  return { gte, lt };
}

/** [gte, lt) of the whole hint namespace */
export function allHintsRange(): { gte: Buffer; lt: Buffer } {
  return { gte: Buffer.from([NS_HINT]), lt: Buffer.from([NS_HINT + 1]) };
}

function successorOfPrefix(prefix: Buffer): Buffer {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  const out = Buffer.from(prefix.subarray(0, end));
  out[end - 1] = (out[end - 1] as number) + 1;
  return out;
}

export function hintValue(now: number): Buffer {
  const out = Buffer.allocUnsafe(8);
  out.writeDoubleBE(now, 0);
  return out;
}
