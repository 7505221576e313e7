/**
 * Key layout inside a Store. One byte of namespace, then namespace-specific bytes:
 *   0x00 name          node metadata (node identity, ...)
 *   0x01 slot(u16be) k  versioned records, grouped by slot so a slot range is one scan
 *   0x02 ...           hints (hinted handoff), laid out by handoff/
 */
export const NS_META = 0x00;
export const NS_DATA = 0x01;
export const NS_HINT = 0x02;
export const SLOTS = 16384;

export function metaKey(name: string): Buffer {
  return Buffer.concat([Buffer.from([NS_META]), Buffer.from(name, 'utf8')]);
}

export function dataKey(slot: number, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(3 + key.length);
  out[0] = NS_DATA;
  out.writeUInt16BE(slot, 1);
  key.copy(out, 3);
  return out;
}

/** [gte, lt) bounds of the data keys of slots from..to inclusive */
export function dataRange(fromSlot: number, toSlot: number): { gte: Buffer; lt: Buffer } {
  const gte = Buffer.from([NS_DATA, fromSlot >> 8, fromSlot & 0xff]);
  const next = toSlot + 1;
  const lt = next >= SLOTS ? Buffer.from([NS_DATA + 1]) : Buffer.from([NS_DATA, next >> 8, next & 0xff]);
  return { gte, lt };
}

/** slot and user key of a data key */
export function parseDataKey(k: Buffer): { slot: number; key: Buffer } {
  return { slot: k.readUInt16BE(1), key: k.subarray(3) };
}
