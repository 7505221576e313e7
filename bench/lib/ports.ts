// Finds free TCP ports on 127.0.0.1, scanning upward from a base port.

import { createServer } from 'node:net';
import { BenchError } from './errors';

/** True when nothing listens on 127.0.0.1:`port` (checked by binding it for a moment). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Returns the first port at or above `from` such that port + each of `offsets` is free and not
 * in `taken`; adds all of them to `taken`. `offsets` must include 0 for the port itself.
 */
export async function allocatePort(from: number, offsets: readonly number[], taken: Set<number>): Promise<number> {
  const highest = Math.max(...offsets);
  for (let port = from; port + highest <= 65535; port++) {
    const wanted = offsets.map((o) => port + o);
    if (wanted.some((p) => taken.has(p))) continue;
    const free = await Promise.all(wanted.map(isPortFree));
    if (free.every(Boolean)) {
      for (const p of wanted) taken.add(p);
      return port;
    }
  }
  throw new BenchError('BENCH_NO_FREE_PORT', `no free port (with offsets ${offsets.join(',')}) at or above ${from}`);
}
