/**
 * x87 80-bit long doubles, as Redis's INCRBYFLOAT computes with them (string2ld → add →
 * ld2string LD_STR_HUMAN), emulated exactly with BigInt: a value is sign × mant × 2^exp with a
 * 64-bit significand, every operation rounded to nearest, ties to even. Pure.
 */

export interface LongDouble {
  readonly neg: boolean;
  /** significand, < 2^64; 0n for zero */
  readonly mant: bigint;
  readonly exp: number;
}

/** what strtold can make besides a finite number */
export type LongDoubleResult = LongDouble | 'inf' | '-inf' | 'nan';

const BITS = 64;
/** exponent of the smallest denormal (2^-16445) and the largest finite value's last bit */
const MIN_EXP = -16445;
const MAX_EXP = 16383 - (BITS - 1);
/** Redis's MAX_LONG_DOUBLE_CHARS: longer strings are not floats */
const MAX_CHARS = 5 * 1024;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** num/den × 2^shift (num, den > 0) rounded to a long double; 'inf' past the largest. */
function roundRational(neg: boolean, num: bigint, den: bigint, shift: number): LongDoubleResult {
  if (num === 0n) return { neg, mant: 0n, exp: 0 };
  // choose e so that the quotient num/den × 2^(shift-e) has BITS bits (or is a denormal)
  let e = bitLength(num) - bitLength(den) + shift - BITS;
  const quotient = (ex: number): [bigint, bigint, bigint] => {
    const s = shift - ex;
    const n = s >= 0 ? num << BigInt(s) : num;
    const d = s >= 0 ? den : den << BigInt(-s);
    return [n / d, n % d, d];
  };
  let [q, r, d] = quotient(e);
  if (q >= 1n << BigInt(BITS)) [q, r, d] = quotient(++e);
  else if (q < 1n << BigInt(BITS - 1)) [q, r, d] = quotient(--e);
  if (e < MIN_EXP) {
    e = MIN_EXP;
    [q, r, d] = quotient(e);
  }
  if (2n * r > d || (2n * r === d && (q & 1n) === 1n)) q++;
  if (q === 1n << BigInt(BITS)) {
    q >>= 1n;
    e++;
  }
  if (e > MAX_EXP) return neg ? '-inf' : 'inf';
  return { neg, mant: q, exp: e };
}

function pow(base: bigint, n: number): bigint {
  return base ** BigInt(n);
}

const DEC_RE = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const HEX_RE = /^([+-]?)0[xX](?:([0-9a-fA-F]+)(?:\.([0-9a-fA-F]*))?|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;
const SPECIAL_RE = /^([+-]?)(inf|infinity|nan(?:\([0-9a-zA-Z_]*\))?)$/i;

/**
 * Redis's string2ld: strtold over the whole string, no leading space, no NaN, no overflow to
 * infinity and no underflow to zero; null when it is not a valid float. A NUL byte anywhere makes
 * it invalid (7.0's check that strtold consumed all `slen` bytes: redis-server 7.0.15 answers
 * "ERR value is not a valid float" for a stored "\0\0Z" or an increment "1\0").
 */
export function parseLongDouble(b: Buffer): LongDoubleResult | null {
  if (b.length === 0 || b.length >= MAX_CHARS || b.includes(0)) return null;
  const s = b.toString('latin1');
  if (/^[ \t\n\v\f\r]/.test(s)) return null;
  const special = SPECIAL_RE.exec(s);
  if (special) {
    if (special[2]!.toLowerCase().startsWith('nan')) return null;
    return special[1] === '-' ? '-inf' : 'inf';
  }
  let m = DEC_RE.exec(s);
  let r: LongDoubleResult;
  if (m) {
    const digits = (m[2] ?? '') + (m[3] ?? m[4] ?? '');
    const scale = Number(m[5] ?? '0') - (m[3] ?? m[4] ?? '').length;
    const mant = BigInt(digits);
    if (mant === 0n) return { neg: m[1] === '-', mant: 0n, exp: 0 };
    if (scale > 5000) return null; // certainly past the largest long double
    if (scale < -5100 - digits.length) return null; // certainly below the smallest
    r = scale >= 0
      ? roundRational(m[1] === '-', mant * pow(10n, scale), 1n, 0)
      : roundRational(m[1] === '-', mant, pow(10n, -scale), 0);
  } else if ((m = HEX_RE.exec(s))) {
    const frac = m[3] ?? m[4] ?? '';
    const mant = BigInt('0x' + ((m[2] ?? '') + frac || '0'));
    if (mant === 0n) return { neg: m[1] === '-', mant: 0n, exp: 0 };
    const shift = Number(m[5] ?? '0') - 4 * frac.length;
    if (shift > 20000) return null;
    if (shift < -20000 - 4 * frac.length) return null;
    r = roundRational(m[1] === '-', mant, 1n, shift);
  } else return null;
  if (r === 'inf' || r === '-inf') return null; // ERANGE with HUGE_VAL
  if (typeof r !== 'string' && r.mant === 0n) return null; // ERANGE with zero
  return r;
}

/** a + b, rounded; infinities propagate, inf + -inf is 'nan' */
export function addLongDouble(a: LongDoubleResult, b: LongDoubleResult): LongDoubleResult {
  if (a === 'nan' || b === 'nan') return 'nan';
  if (typeof a === 'string' || typeof b === 'string') {
    if (typeof a === 'string' && typeof b === 'string' && a !== b) return 'nan';
    return typeof a === 'string' ? a : b;
  }
  const e = Math.min(a.exp, b.exp);
  const x = (a.neg ? -a.mant : a.mant) << BigInt(a.exp - e);
  const y = (b.neg ? -b.mant : b.mant) << BigInt(b.exp - e);
  const sum = x + y;
  if (sum === 0n) return { neg: a.neg && b.neg, mant: 0n, exp: 0 };
  return roundRational(sum < 0n, sum < 0n ? -sum : sum, 1n, e);
}

/**
 * ld2string(LD_STR_HUMAN): printf("%.17Lf") — the exact value rounded to 17 decimals, ties to
 * even — then trailing zeros (and a bare '.') removed, and "-0" printed as "0".
 */
export function formatLongDouble(v: LongDouble): string {
  const D = 17;
  // value × 10^17 = mant × 2^exp × 10^17, rounded to an integer
  let num = v.mant * pow(10n, D);
  let den = 1n;
  if (v.exp >= 0) num <<= BigInt(v.exp);
  else den <<= BigInt(-v.exp);
  let q = num / den;
  const r = num % den;
  if (2n * r > den || (2n * r === den && (q & 1n) === 1n)) q++;
  const digits = q.toString().padStart(D + 1, '0');
  let s = `${digits.slice(0, -D)}.${digits.slice(-D)}`.replace(/0+$/, '').replace(/\.$/, '');
  if (v.neg) s = '-' + s;
  return s === '-0' ? '0' : s;
}
