const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;

/**
 * Redis's string2ll over buf[start, end): an optional '-', then digits with no leading zero
 * ("0" alone is fine; "", "-", "-0", "01", "+1", " 1" are not), within a signed 64-bit range.
 * Returns the value (exact up to 2^53; larger magnitudes are only compared against limits) or
 * NaN when Redis would reject the text.
 */
export function string2ll(buf: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len <= 0) return NaN;
  if (len === 1 && buf[start] === 0x30) return 0;
  let i = start;
  let negative = false;
  if (buf[i] === 0x2d) {
    negative = true;
    i++;
    if (i === end) return NaN;
  }
  const first = buf[i]! - 0x30;
  if (first < 1 || first > 9) return NaN;
  let value = first;
  i++;
  if (end - i > 18) return NaN; // more than 19 digits cannot fit in 64 bits
  for (; i < end; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) return NaN;
    value = value * 10 + d;
  }
  if (value >= 2 ** 53) return bigRangeCheck(buf, start, end);
  return negative ? -value : value;
}

/** Exact signed 64-bit range check for long digit strings (rare: only absurd lengths). */
function bigRangeCheck(buf: Uint8Array, start: number, end: number): number {
  const text = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
  const big = BigInt(text);
  if (big > LLONG_MAX || big < LLONG_MIN) return NaN;
  return Number(big);
}
