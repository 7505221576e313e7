/**
 * Deterministic 32-bit hashing for the ring: MurmurHash3 (x86_32) of a node id's UTF-8 bytes,
 * and a per-(partition, node) mix. Only integer ops (Math.imul, shifts), so every node computes the
 * same values on any platform.
 */

/** MurmurHash3 finaliser: a strong 32-bit → 32-bit avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 x86_32 of the UTF-8 bytes of `text`. */
export function murmur3(text: string, seed: number): number {
  const bytes = Buffer.from(text, 'utf8');
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = bytes.length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = (bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = bytes.length & 3;
  if (tail > 0) {
    let k = 0;
    for (let j = tail - 1; j >= 0; j--) k = (k << 8) | (bytes[blocks + j] as number);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= bytes.length;
  return fmix32(h);
}

/**
 * Per-partition salt, so consecutive partition numbers give unrelated inputs to the pair mix.
 * 16384 entries: enough for any partition count up to one partition per slot.
 */
export const PARTITION_SALT: Uint32Array = (() => {
  const salt = new Uint32Array(16384);
  for (let s = 0; s < salt.length; s++) salt[s] = fmix32((Math.imul(s + 1, 0x9e3779b9) ^ 0x5bd1e995) >>> 0);
  return salt;
})();

/** The 32-bit draw of node (seedA, seedB) for a partition salt: uniform and independent per pair. */
export function pairDraw(salt: number, seedA: number, seedB: number): number {
  return fmix32((fmix32((salt ^ seedA) >>> 0) + seedB) >>> 0);
}

/**
 * Weighted rendezvous key: -ln(u) / tokens with u = (draw + 0.5) / 2^32 in (0, 1). It is an
 * exponential variable of rate `tokens`, so the smallest key among nodes wins with probability
 * tokens / Σ tokens, and sorting by key gives sampling without replacement ∝ tokens.
 * Math.log is V8's fdlibm port: the same double on every platform Node runs on.
 */
export function rendezvousKey(draw: number, tokens: number): number {
  return -Math.log((draw + 0.5) / 4294967296) / tokens;
}
