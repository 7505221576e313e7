/**
 * Seeded randomness. Code that needs random choices takes an Rng, so a simulated run replays
 * exactly for a seed. The generator is mulberry32: 32-bit state, fast, good enough for
 * simulation (not for cryptography: nonces and secrets use node:crypto).
 */

/** Returns a float in [0, 1). */
export type Rng = () => number;

/** A deterministic generator for `seed` (any 32-bit integer; other numbers are truncated). */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** A float in [min, max). */
export function randomBetween(rng: Rng, min: number, max: number): number {
  return min + rng() * (max - min);
}
