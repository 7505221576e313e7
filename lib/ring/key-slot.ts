/**
 * Key → slot, exactly as Redis Cluster: CRC16-XMODEM of the key (or of its hash tag) mod 16384.
 *
 * Hash tag rule (Redis `keyHashSlot`): find the first `{`; find the first `}` after it; if that
 * `}` exists and the part between is non-empty, hash only that part, else hash the whole key.
 * So `foo{}{bar}` hashes the whole key (the first tag is empty), `foo{{bar}}zap` hashes `{bar`.
 *
 * Why not `cluster-key-slot` directly: version 1.1.2 differs from Redis when an empty `{}` is
 * followed by another tag (`foo{}{bar}`: package 4015, Redis 8363; `{}{}`: 4092 vs 15786), because
 * it keeps scanning after the empty tag. The CRC below is the same XMODEM table; the test suite
 * checks it against the package on tag-free keys and against `CLUSTER KEYSLOT` answers.
 */
export const SLOT_COUNT = 16384;

const CRC16_TABLE: Uint16Array = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    table[i] = crc;
  }
  return table;
})();

/** CRC16-XMODEM (poly 0x1021, init 0) of bytes[start, end). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) & 0xffff) ^ (CRC16_TABLE[((crc >>> 8) ^ (bytes[i] as number)) & 0xff] as number);
  }
  return crc;
}

const OPEN = 0x7b; // '{'
const CLOSE = 0x7d; // '}'

/** The Redis Cluster slot (0–16383) of a key; strings are taken as UTF-8. */
export function keySlot(key: Uint8Array | string): number {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  const open = bytes.indexOf(OPEN);
  if (open !== -1) {
    const close = bytes.indexOf(CLOSE, open + 1);
    if (close !== -1 && close !== open + 1) return crc16(bytes, open + 1, close) & (SLOT_COUNT - 1);
  }
  return crc16(bytes) & (SLOT_COUNT - 1);
}
