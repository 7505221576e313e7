/** ioredis and redis-cli helpers shared by the integration tests. */
import Redis from 'ioredis';
import type { Arg, Script } from './differential-cases';
import { redisCli } from './harness';

/** an ioredis client that fails fast instead of reconnecting (tests want errors, not retries) */
export function ioClient(port: number, opts: { protocol?: 2 | 3; password?: string } = {}): Redis {
  return new Redis({
    host: '127.0.0.1',
    port,
    protocol: opts.protocol ?? 2,
    password: opts.password,
    enableReadyCheck: false,
    disableClientInfo: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    lazyConnect: false,
  });
}

/** a reply in a comparable form: errors as { error }, buffers as latin1 text */
export type Norm = null | number | string | { error: string } | { bytes: string } | Norm[] | { [k: string]: Norm };

export function normalize(v: unknown): Norm {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return { bytes: v.toString('latin1') };
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(normalize);
  if (v instanceof Error) return { error: v.message };
  if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), normalize(x)]));
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  return String(v);
}

/** runs a script through ioredis's callBuffer, one reply (or error) per command */
export async function runIo(client: Redis, script: Script): Promise<Norm[]> {
  const out: Norm[] = [];
  for (const [name, ...args] of script) {
    try {
      out.push(normalize(await client.callBuffer(name.toString(), args)));
    } catch (err) {
      out.push(normalize(err));
    }
  }
  return out;
}

/** an argument as redis-cli reads it from a line (sdssplitargs quoting) */
export function cliQuote(a: Arg): string {
  const b = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const plain = (x: number) => x > 0x20 && x < 0x7f && x !== 0x22 && x !== 0x27 && x !== 0x5c;
  if (b.length > 0 && [...b].every(plain)) return b.toString('latin1');
  const body = [...b]
    .map((x) => (x >= 0x20 && x < 0x7f && x !== 0x22 && x !== 0x5c ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, '0')}`))
    .join('');
  return `"${body}"`;
}

/** the script fed to redis-cli on stdin (one command a line); its stdout */
export function runCli(port: number, script: Script, mode: '--raw' | '--no-raw', extra: readonly string[] = []): Promise<string> {
  const input = script.map((cmd) => cmd.map(cliQuote).join(' ')).join('\n') + '\n';
  return redisCli(port, [...extra, mode], { input });
}
