/** Expiry options shared by SET, SETEX, GETEX and the EXPIRE family, with Redis's checks. */
import { Errors } from '../errors';
import { parseI64 } from '../args';

export type ExpiryUnit = 'ex' | 'px' | 'exat' | 'pxat';

const MAX_MS = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Absolute expiry (unix ms) for `<unit> <arg>`; SET-style commands reject <= 0 with
 * "invalid expire time in '<cmd>' command".
 */
export function expiryFromOption(unit: ExpiryUnit, arg: Buffer, now: number, cmd: string): number {
  const v = parseI64(arg);
  if (v <= 0n) throw Errors.invalidExpire(cmd);
  return absolute(unit, v, now, cmd);
}

/** the EXPIRE family accepts any integer; a time not in the future deletes the key */
export function expiryForExpire(unit: ExpiryUnit, arg: Buffer, now: number, cmd: string): number {
  return absolute(unit, parseI64(arg), now, cmd);
}

function absolute(unit: ExpiryUnit, v: bigint, now: number, cmd: string): number {
  const ms = unit === 'ex' || unit === 'exat' ? v * 1000n : v;
  const at = unit === 'ex' || unit === 'px' ? ms + BigInt(now) : ms;
  if (at > MAX_MS || at < -MAX_MS) throw Errors.invalidExpire(cmd);
  return Number(at);
}

export function unitOf(b: Buffer): ExpiryUnit | undefined {
  const s = b.toString('latin1').toLowerCase();
  return s === 'ex' || s === 'px' || s === 'exat' || s === 'pxat' ? s : undefined;
}
