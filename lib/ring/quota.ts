/**
 * Quotas: how many partitions each member should hold at a rank, ∝ its vnodes, rounded by the
 * largest-remainder method (Hamilton): everyone gets floor(total × v / Σv), and the partitions
 * left over go one each to the largest remainders, ties to the smaller member index (id order).
 * Integer arithmetic only, so every node computes the same quotas.
 */

/** Quotas summing to exactly `total`; vnodes are positive integers. */
export function largestRemainder(total: number, vnodes: Float64Array): Int32Array {
  const count = vnodes.length;
  const out = new Int32Array(count);
  if (count === 0) return out;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += vnodes[i] as number;
  const remainders = new Float64Array(count);
  let given = 0;
  for (let i = 0; i < count; i++) {
    const scaled = total * (vnodes[i] as number); // exact: below 2^53 for the config's limits
    const whole = Math.floor(scaled / sum);
    out[i] = whole;
    remainders[i] = scaled - whole * sum;
    given += whole;
  }
  const order = Array.from({ length: count }, (_, i) => i);
  order.sort((a, b) => (remainders[b] as number) - (remainders[a] as number) || a - b);
  for (let k = 0; given < total; k++, given++) out[order[k % count] as number] += 1;
  return out;
}
