/** Argument parsing with Redis's strictness (string2ll, string2ld) and Redis's error texts. */
import { Errors } from './errors';

const INT_RE = /^(0|-?[1-9][0-9]*)$/;
const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;

/** a 64-bit signed integer as Redis parses it ("01", "+1", " 1" are not integers) */
export function parseI64(b: Buffer): bigint {
  const s = b.toString('latin1');
  if (s.length > 20 || !INT_RE.test(s)) throw Errors.notInteger();
  const v = BigInt(s);
  if (v > I64_MAX || v < I64_MIN) throw Errors.notInteger();
  return v;
}

/** an integer that must fit a JS safe integer (offsets, counts, times) */
export function parseInt64(b: Buffer): number {
  const v = parseI64(b);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw Errors.notInteger();
  return Number(v);
}

export function lower(b: Buffer): string {
  return b.toString('latin1').toLowerCase();
}

/** true if the arg equals the option name, case-insensitively */
export function isOpt(b: Buffer, name: string): boolean {
  return b.length === name.length && lower(b) === name;
}
