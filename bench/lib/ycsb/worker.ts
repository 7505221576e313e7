// The load generator's process: raw sockets, pipelined, closed loop. Started by ../ycsb.ts in a
// child process (so nothing else shares its event loop); reads a WorkloadSpec as JSON from
// argv[2], prints one WorkloadResult as JSON on stdout and exits.
//
// Each connection keeps `pipeline` requests in flight: it writes a batch, and for every reply
// that comes back it records the request's latency (reply time − time its batch was written) and
// writes a new request, batched per 'data' event (one write per event, as a pipelining client does).

import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { LatencyHistogram } from './histogram';
import { ReplyScanner } from './reply-scanner';
import {
  chooserFor, encodeGet, encodeSet, keyOf, READ, UPDATE, valueOf,
  type OpFigures, type WorkloadResult, type WorkloadSpec,
} from './workload';
import { seededRng } from './zipfian';

const spec = JSON.parse(process.argv[2] ?? '{}') as WorkloadSpec;
const rng = seededRng(spec.seed);
const chooser = chooserFor(spec, rng);
const value = valueOf(spec.valueSize);
const histograms = [new LatencyHistogram(), new LatencyHistogram()];
const firstKey = spec.firstKey ?? 0;
let nextLoadKey = 0;
let errors = 0;
let firstError: string | undefined;
const started = performance.now();
const measureFrom = started + (spec.phase === 'mix' ? spec.warmupMs : 0);
const stopAt = spec.phase === 'mix' ? measureFrom + spec.durationMs : Infinity;
let stopped = false;
let open = 0;

/** The next request of this workload, or undefined when the load phase has written every key. */
function nextRequest(types: number[]): string | undefined {
  if (spec.phase === 'load') {
    if (nextLoadKey >= spec.keys) return undefined;
    types.push(UPDATE);
    return encodeSet(keyOf(firstKey + nextLoadKey++), value);
  }
  const key = keyOf(firstKey + chooser.next());
  if (rng() < spec.readFraction) {
    types.push(READ);
    return encodeGet(key);
  }
  types.push(UPDATE);
  return encodeSet(key, value);
}

function runConnection(port: number): void {
  const socket: Socket = connect({ port, host: '127.0.0.1' });
  socket.setNoDelay(true);
  const scanner = new ReplyScanner();
  // in-flight requests, oldest first: their op type and the time their batch was written
  const types: number[] = [];
  const sentAt: number[] = [];
  let head = 0;
  const send = (count: number): void => {
    if (stopped) return;
    let batch = '';
    for (let i = 0; i < count; i++) {
      const request = nextRequest(types);
      if (request === undefined) break;
      batch += request;
    }
    if (batch === '') return;
    const now = performance.now();
    while (sentAt.length < types.length) sentAt.push(now);
    socket.write(Buffer.from(batch, 'latin1'));
  };
  socket.on('connect', () => send(spec.pipeline));
  socket.on('data', (chunk: Buffer) => {
    const replies = scanner.feed(chunk);
    const now = performance.now();
    for (let i = 0; i < replies; i++, head++) {
      if (now >= measureFrom && now < stopAt) histograms[types[head]].record((now - sentAt[head]) * 1000);
    }
    if (head > 4096) {
      types.splice(0, head);
      sentAt.splice(0, head);
      head = 0;
    }
    if (now >= stopAt) stopped = true;
    if (!stopped) send(replies);
    if (head === types.length && (stopped || spec.phase === 'load')) socket.end();
  });
  socket.on('error', (err) => {
    process.stderr.write(`connection to port ${port}: ${err.message}\n`);
    process.exit(2);
  });
  socket.on('close', () => {
    errors += scanner.errors;
    firstError ??= scanner.firstError;
    if (--open === 0) finish();
  });
  open++;
}

function figures(h: LatencyHistogram, seconds: number): OpFigures {
  const ms = (us: number): number => Math.round(us) / 1000;
  return {
    ops: h.total, opsPerSec: h.total / seconds, avgMs: ms(h.meanUs()), p50Ms: ms(h.percentileUs(0.5)),
    p95Ms: ms(h.percentileUs(0.95)), p99Ms: ms(h.percentileUs(0.99)), p999Ms: ms(h.percentileUs(0.999)), maxMs: ms(h.maxUs),
  };
}

function finish(): void {
  const seconds = (Math.min(performance.now(), stopAt) - measureFrom) / 1000;
  const result: WorkloadResult = {
    seconds, errors, ...(firstError === undefined ? {} : { firstError }),
    read: figures(histograms[READ], seconds), update: figures(histograms[UPDATE], seconds),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

for (let i = 0; i < spec.connections; i++) runConnection(spec.ports[i % spec.ports.length]);
