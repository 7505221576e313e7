/**
 * Request/response round trips per second over loopback TCP (authenticated connection),
 * with 1 and with 100 requests in flight, 100-byte bodies. Run: npx tsx bench/transport-rtt.ts
 */
import pino from 'pino';
import { MessageType } from '../lib/transport/message-type';
import { TcpTransport } from '../lib/transport/tcp-transport';

const DURATION_MS = Number(process.env.BENCH_MS ?? 3000);
const BODY = Buffer.alloc(100, 0x61);

async function run(client: TcpTransport, address: string, inFlight: number): Promise<{ rps: number; p50: number; p99: number }> {
  const samples: number[] = [];
  let done = 0;
  const end = performance.now() + DURATION_MS;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await client.request(address, MessageType.REPLICA_READ, BODY, 5000);
      if ((done++ & 15) === 0) samples.push(performance.now() - t0);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = performance.now() - t0;
  samples.sort((x, y) => x - y);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!;
  return { rps: (done / elapsed) * 1000, p50: q(0.5), p99: q(0.99) };
}

async function main(): Promise<void> {
  const logger = pino({ level: 'silent' });
  const common = { listenHost: '127.0.0.1', listenPort: 0, secret: 'bench-secret', logger };
  const server = new TcpTransport({ ...common, localId: 'server' });
  server.handle(MessageType.REPLICA_READ, (body) => body);
  const client = new TcpTransport({ ...common, localId: 'client' });
  await server.start();
  await client.start();
  await run(client, server.address, 10); // warm-up (connection, JIT)
  for (const inFlight of [1, 100]) {
    const r = await run(client, server.address, inFlight);
    process.stdout.write(
      `in flight ${String(inFlight).padStart(3)}: ${Math.round(r.rps).toLocaleString('en-US')} round trips/s` +
        `  (latency p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms)\n`,
    );
  }
  await client.close();
  await server.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});
