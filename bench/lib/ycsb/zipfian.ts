// Seeded key choosers for the YCSB mixes. Pure: randomness comes in as a function.
//
// ZipfianChooser is YCSB's ZipfianGenerator (Gray et al., "Quickly generating billion-record
// synthetic databases", SIGMOD 1994) with YCSB's constant 0.99, followed by a fixed permutation of
// the key space, so the hot keys are spread over the key space (and over the ring's slots) instead
// of being keys 0, 1, 2 ... (YCSB's ScrambledZipfianGenerator hashes for the same reason).

import { mulberry32, type Rng } from '../../../lib/util/rng';

export type { Rng };

/** the project's seeded generator (mulberry32), good enough to pick keys */
export const seededRng = mulberry32;

export const ZIPFIAN_CONSTANT = 0.99;
/** a prime multiplier for the permutation; i * PERMUTE stays below 2^53 for key spaces up to 3e6 */
const PERMUTE = 2654435761;
const MAX_ITEMS = 3_000_000;

export class ZipfianChooser {
  private readonly zetan: number;
  private readonly alpha: number;
  private readonly eta: number;
  private readonly halfPowTheta: number;

  constructor(readonly items: number, private readonly rng: Rng, readonly theta = ZIPFIAN_CONSTANT) {
    if (!Number.isInteger(items) || items < 2 || items > MAX_ITEMS) throw new RangeError(`items must be an integer from 2 to ${MAX_ITEMS}`);
    let zetan = 0;
    for (let i = 1; i <= items; i++) zetan += 1 / Math.pow(i, theta);
    const zeta2 = 1 + 1 / Math.pow(2, theta);
    this.zetan = zetan;
    this.alpha = 1 / (1 - theta);
    this.eta = (1 - Math.pow(2 / items, 1 - theta)) / (1 - zeta2 / zetan);
    this.halfPowTheta = Math.pow(0.5, theta);
  }

  /** Rank of the next key: 0 is the most popular. */
  nextRank(): number {
    const u = this.rng();
    const uz = u * this.zetan;
    if (uz < 1) return 0;
    if (uz < 1 + this.halfPowTheta) return 1;
    return Math.min(this.items - 1, Math.floor(this.items * Math.pow(this.eta * u - this.eta + 1, this.alpha)));
  }

  /** The next key index in [0, items): the rank put through a fixed permutation. */
  next(): number {
    return permute(this.nextRank(), this.items);
  }
}

/** A bijection of [0, n): multiplication by a prime that does not divide n, modulo n. */
export function permute(i: number, n: number): number {
  return (i * (n % PERMUTE === 0 ? PERMUTE + 2 : PERMUTE)) % n;
}

export class UniformChooser {
  constructor(readonly items: number, private readonly rng: Rng) {}
  next(): number {
    return Math.floor(this.rng() * this.items);
  }
}
