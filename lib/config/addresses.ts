/**
 * Address checks for `bind` and `seeds`, without the net module (config stays pure):
 * IPv4 dotted quads, IPv6 (in brackets inside host:port), and DNS host names.
 */
import type { SeedAddress } from './types';
import { parseInteger } from './value-types';

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`);

export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

export function isIPv6(s: string): boolean {
  const [addr = '', zone] = s.split('%');
  if (zone === '' || !/^[0-9A-Fa-f:.]+$/.test(addr) || !addr.includes(':')) return false;
  const tail = addr.slice(addr.lastIndexOf(':') + 1);
  const v4Tail = tail.includes('.');
  if (v4Tail && !isIPv4(tail)) return false;
  const head = v4Tail ? addr.slice(0, addr.lastIndexOf(':') + 1) + '0:0' : addr;
  const halves = head.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? groups.length <= 7 : groups.length === 8;
}

export function isHostName(s: string): boolean {
  return s.length <= 253 && HOST_NAME.test(s) && !/^[\d.]+$/.test(s);
}

/** an address to listen on */
export function parseBindAddress(s: string): string | undefined {
  return isIPv4(s) || isIPv6(s) || isHostName(s) ? s : undefined;
}

/** 0.0.0.0 or :: (every address): something to listen on, not to be reached at or sent from */
export function isWildcard(s: string): boolean {
  return s === '0.0.0.0' || /^[0:]+$/.test(s);
}

/** `host:port` or `[ipv6]:port`, port 1-65535 */
export function parseSeed(s: string): SeedAddress | undefined {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:[\]]+):(\d+)$/.exec(s);
  if (m === null || m[1] === undefined || m[2] === undefined) return undefined;
  const host = m[1];
  const port = parseInteger(m[2]);
  const bracketed = s.startsWith('[');
  const hostOk = bracketed ? isIPv6(host) : isIPv4(host) || isHostName(host);
  return hostOk && port !== undefined && port >= 1 && port <= 65535 ? { host, port } : undefined;
}

export function renderSeed(seed: SeedAddress): string {
  return seed.host.includes(':') ? `[${seed.host}]:${seed.port}` : `${seed.host}:${seed.port}`;
}
