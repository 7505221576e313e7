/**
 * Clients of a cluster of real node processes, over ioredis: each talks to one node and writes
 * unique values to a few keys — VGET then VSET with its context, plain SET, plain DEL, VGET then
 * VDEL — recording every operation in the history. A reply that does not come within the
 * client timeout, a NOQUORUM or a dropped connection is "unknown". A client whose connection
 * died opens a new one (the node may have been restarted).
 */
import type Redis from 'ioredis';
import { decodeContext } from '../../lib/versioning';
import type { ProcCluster } from '../integration/cluster-harness-procs';
import { History, type OpKind } from './history';

export interface ProcRun {
  readonly cluster: ProcCluster;
  readonly history: History;
  readonly keys: readonly string[];
  /** QUORUM r w each client sets on its connection, if any */
  readonly quorum: readonly [number, number] | null;
  readonly clientTimeout: number;
  stopped: boolean;
}

class Timeout extends Error {
  readonly code = 'CLIENT_TIMEOUT';
}

function timed<T>(p: Promise<T>, ms: number): Promise<T> {
  p.catch(() => undefined); // its late rejection is of no interest once timed out
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Timeout(`no reply within ${ms} ms`)), ms);
    p.then((v) => (clearTimeout(t), resolve(v)), (e: unknown) => (clearTimeout(t), reject(e)));
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function pickKind(i: number): OpKind {
  // a fixed cycle: VSET-heavy, with plain writes and both kinds of delete
  return (['vset', 'set', 'vset', 'del', 'vset', 'set', 'vdel', 'vset', 'set', 'del'] as const)[i % 10]!;
}

async function connect(run: ProcRun, node: number): Promise<Redis> {
  const c = run.cluster.client(node);
  if (run.quorum !== null) await timed(c.call('QUORUM', String(run.quorum[0]), String(run.quorum[1])), run.clientTimeout);
  return c;
}

/** one client's loop until the run stops */
export async function procClient(run: ProcRun, id: number, node: number): Promise<void> {
  let conn: Redis | null = null;
  for (let n = 0; !run.stopped; n++) {
    await sleep(5 + ((id * 7 + n * 13) % 20));
    if (conn === null || conn.status === 'end' || conn.status === 'close') {
      conn?.disconnect();
      try {
        conn = await connect(run, node);
      } catch {
        conn = null;
        await sleep(100);
        continue;
      }
    }
    const key = run.keys[(id * 3 + n * 5 + Math.floor(n / 7)) % run.keys.length]!;
    const kind = pickKind(n + id);
    let ctx: string | null = null;
    let seen: string[] = [];
    if (kind === 'vset' || kind === 'vdel') {
      try {
        const reply = (await timed(conn.callBuffer('VGET', key), run.clientTimeout)) as Buffer[];
        ctx = reply[0]!.toString();
        seen = reply.slice(1).map((b) => b.toString());
      } catch {
        continue; // a failed read writes nothing
      }
    }
    const value = kind === 'vset' || kind === 'set' ? `p${id}-${n}` : null;
    const op = run.history.invoke({
      client: id, node, key, kind, value,
      ctx: ctx === null ? null : decodeContext(ctx),
      ctxSeen: ctx === null ? null : seen.map((v) => ({ value: v, dot: null })),
    });
    const args = kind === 'vset' ? ['VSET', key, ctx!, value!] : kind === 'set' ? ['SET', key, value!] : kind === 'del' ? ['DEL', key] : ['VDEL', key, ctx!];
    try {
      await timed(conn.call(args[0]!, ...args.slice(1)), run.clientTimeout);
      run.history.complete(op, { status: 'ok' });
    } catch (err) {
      // NOQUORUM, a timeout or a lost connection: the write may have been applied
      run.history.complete(op, { status: 'unknown', error: (err as Error).message.slice(0, 60) });
    }
  }
  conn?.disconnect();
}
