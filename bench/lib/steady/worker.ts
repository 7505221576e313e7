// The steady load's process: SETs at a fixed rate (open loop) over raw sockets, started by
// ../steady-load.ts in a child process so nothing else shares its event loop. Reads a SteadySpec
// as JSON from argv[2]; prints `ready <epoch ms>` once connected, takes `rate N` and `stop` lines
// on stdin; on stop it waits up to drainMs for replies, writes the request log to spec.logPath,
// prints a SteadySummary as JSON and exits.
//
// Each request's latency runs from the time it was due (not when it was written), so a stalled
// connection or a late timer counts against the store, as an open-loop client sees it.

import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { encodeSet, valueOf } from '../ycsb/workload';
import { seededRng } from '../ycsb/zipfian';
import { ReplyKinds } from './reply-kinds';
import { CONNECTION_LOST, encodeLog, ERROR_REPLY, FIELDS, NO_REPLY, OK, type RequestStatus } from './request-log';
import { OpenLoopSchedule } from './schedule';
import { epochMs, READY_PREFIX, type SteadySpec, type SteadySummary } from './spec';

const spec = JSON.parse(process.argv[2] ?? '{}') as SteadySpec;
const now = (): number => epochMs(performance.timeOrigin, performance.now());
const rng = seededRng(spec.seed);
const value = valueOf(spec.valueSize);
let log = new Float64Array(FIELDS * 65536);
let logged = 0;
const summary: SteadySummary = { sent: 0, ok: 0, errorReplies: 0, connectionsLost: 0, noReply: 0, maxSendLagMs: 0, startedMs: 0, stoppedMs: 0 };

function record(index: number, status: RequestStatus, at: number): void {
  const start = log[index * FIELDS];
  log[index * FIELDS + 1] = at - start;
  log[index * FIELDS + 2] = status;
  if (status === OK) summary.ok++;
  else if (status === ERROR_REPLY) summary.errorReplies++;
  else if (status === CONNECTION_LOST) summary.connectionsLost++;
  else summary.noReply++;
}

function allocate(start: number, node: number): number {
  if ((logged + 1) * FIELDS > log.length) {
    const bigger = new Float64Array(log.length * 2);
    bigger.set(log);
    log = bigger;
  }
  log.set([start, NaN, NO_REPLY, node], logged * FIELDS);
  return logged++;
}

class Connection {
  private socket!: Socket;
  private scanner = new ReplyKinds();
  /** log indexes of the requests in flight, oldest first */
  private pending: number[] = [];
  private head = 0;
  connected = false;

  constructor(readonly port: number, readonly node: number) {
    this.open();
  }

  get inFlight(): number {
    return this.pending.length - this.head;
  }

  private open(): void {
    const socket = connect({ port: this.port, host: '127.0.0.1' });
    this.socket = socket;
    this.scanner = new ReplyKinds();
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.connected = true;
      checkReady();
    });
    socket.on('data', (chunk: Buffer) => {
      const at = now();
      for (const reply of this.scanner.feed(chunk)) {
        const index = this.pending[this.head++];
        if (index === undefined) continue;
        if (reply.error) summary.firstError ??= reply.text;
        record(index, reply.error ? ERROR_REPLY : OK, at);
      }
      if (this.head > 4096) {
        this.pending.splice(0, this.head);
        this.head = 0;
      }
      if (stopping && this.inFlight === 0) maybeFinish();
    });
    socket.on('error', (err) => {
      summary.firstError ??= `connection to port ${this.port}: ${err.message}`;
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      const at = now();
      for (let i = this.head; i < this.pending.length; i++) record(this.pending[i], CONNECTION_LOST, at);
      this.pending = [];
      this.head = 0;
      if (stopping) return maybeFinish();
      setTimeout(() => this.open(), 100);
    });
  }

  send(batch: string, indexes: readonly number[]): void {
    for (const i of indexes) this.pending.push(i);
    this.socket.write(Buffer.from(batch, 'latin1'));
  }

  close(): void {
    this.socket.destroy();
  }
}

const connections = Array.from({ length: spec.connections }, (_, i) => new Connection(spec.ports[i % spec.ports.length], i % spec.ports.length));
let schedule: OpenLoopSchedule | undefined;
let next = 0;
let stopping = false;
let finished = false;

function checkReady(): void {
  if (schedule !== undefined || !connections.every((c) => c.connected)) return;
  schedule = new OpenLoopSchedule(now(), spec.ratePerSec);
  summary.startedMs = schedule.dueAt(0);
  process.stdout.write(`${READY_PREFIX}${summary.startedMs}\n`);
  tick();
}

function tick(): void {
  if (stopping || schedule === undefined) return;
  const at = now();
  const batches = new Map<Connection, { text: string; indexes: number[] }>();
  for (const due of schedule.take(at)) {
    const conn = connections[next++ % connections.length];
    const key = `${spec.keyPrefix}${Math.floor(rng() * spec.keys)}`;
    const batch = batches.get(conn) ?? { text: '', indexes: [] };
    batch.text += encodeSet(key, value);
    batch.indexes.push(allocate(due, conn.node));
    batches.set(conn, batch);
    summary.maxSendLagMs = Math.max(summary.maxSendLagMs, at - due);
    summary.sent++;
  }
  for (const [conn, batch] of batches) conn.send(batch.text, batch.indexes);
  setTimeout(tick, 1);
}

function stop(): void {
  if (stopping) return;
  stopping = true;
  summary.stoppedMs = now();
  setTimeout(finish, spec.drainMs);
  maybeFinish();
}

function maybeFinish(): void {
  if (connections.every((c) => c.inFlight === 0)) finish();
}

function finish(): void {
  if (finished) return;
  finished = true;
  for (const c of connections) c.close();
  // whatever is still unanswered keeps status NO_REPLY; its latency runs to now
  const at = now();
  for (let i = 0; i < logged; i++) {
    if (Number.isNaN(log[i * FIELDS + 1])) record(i, NO_REPLY, at);
  }
  writeFileSync(spec.logPath, encodeLog(log, logged));
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exit(0);
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, arg] = line.trim().split(/\s+/);
  if (command === 'stop') stop();
  else if (command === 'rate' && schedule !== undefined) schedule.setRate(now(), Number(arg));
});
