/**
 * Doubles as Redis 7.0 prints them (addReplyDouble): printf("%.17g"), with "inf" / "-inf" for
 * infinities and "nan" for NaN. %.17g keeps 17 significant digits, so 3.1 prints as
 * "3.1000000000000001" (Redis 7.2 moved to a shortest form; the installed 7.0 does not).
 *
 * glibc rounds the exact binary value half-to-even; JavaScript's toExponential rounds exact ties
 * up, so ties (e.g. 1.00000762939453125) are settled here with an exact BigInt comparison.
 */
export function formatDouble(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  // Integers up to 2^53 are exact and have at most 16 digits: %.17g prints them as they are.
  if (Number.isInteger(x) && Math.abs(x) <= 2 ** 53) return String(x);
  const negative = x < 0;
  const abs = negative ? -x : x;
  const wide = abs.toExponential(19); // 20 significant digits: "d.ddd...de±X"
  const ePos = wide.indexOf('e');
  const digits = wide[0]! + wide.slice(2, ePos);
  let exponent = Number(wide.slice(ePos + 1));
  let head = digits.slice(0, 17);
  const tail = digits.slice(17);
  let roundUp = tail > '500';
  if (tail === '500') {
    const cmp = compareExact(abs, BigInt(head + '5'), exponent - 17);
    roundUp = cmp > 0 || (cmp === 0 && (head.charCodeAt(16) & 1) === 1);
  }
  if (roundUp) {
    head = (BigInt(head) + 1n).toString();
    if (head.length > 17) {
      head = head.slice(0, 17);
      exponent++;
    }
  }
  return (negative ? '-' : '') + formatG(head, exponent);
}

/** %g layout of 17 significant digits `head` (d.ddd × 10^exponent), trailing zeros removed. */
function formatG(head: string, exponent: number): string {
  if (exponent < -4 || exponent >= 17) {
    const fraction = trimZeros(head.slice(1));
    const mantissa = fraction === '' ? head[0]! : `${head[0]!}.${fraction}`;
    const abs = Math.abs(exponent);
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  if (exponent >= 0) {
    const fraction = trimZeros(head.slice(exponent + 1));
    const integer = head.slice(0, exponent + 1);
    return fraction === '' ? integer : `${integer}.${fraction}`;
  }
  return `0.${trimZeros('0'.repeat(-exponent - 1) + head)}`;
}

function trimZeros(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x30) end--;
  return s.slice(0, end);
}

const scratch = new DataView(new ArrayBuffer(8));

/** Sign of (value − n·10^q), computed exactly; value is finite and positive. */
function compareExact(value: number, n: bigint, q: number): number {
  scratch.setFloat64(0, value);
  const hi = scratch.getUint32(0);
  const lo = scratch.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let k = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    k = biased - 1075;
  }
  // value = mantissa·2^k; scale both sides to integers.
  let left = mantissa;
  let right = n;
  if (k >= 0) left <<= BigInt(k);
  else right <<= BigInt(-k);
  if (q >= 0) right *= 10n ** BigInt(q);
  else left *= 10n ** BigInt(-q);
  return left > right ? 1 : left < right ? -1 : 0;
}
