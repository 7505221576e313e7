/**
 * Peer addresses (pure): "host:port", with IPv6 hosts in brackets ("[::1]:17001").
 */

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Parses "host:port"; returns null for anything malformed. */
export function parseAddress(address: string): HostPort | null {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address);
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: (m[1] ?? m[2])!, port };
}

export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x (::ffff:127.a.b.c). */
export function isLoopback(ip: string | undefined): boolean {
  if (!ip) return false;
  const v4 = ip.toLowerCase().startsWith('::ffff:') ? ip.slice(7) : ip;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return true;
  return ip === '::1' || ip === '0:0:0:0:0:0:0:1';
}
