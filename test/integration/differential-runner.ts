/** What the differential suites share: a flushed database, raw replies of a script, labels. */
import { expect } from 'chai';
import type { Script } from './differential-cases';
import { RawClient } from './raw-client';
import { disposeAll, redisAvailable, startNode, startRedis, type ServerProcess } from './harness';

export async function flush(port: number): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    expect(await c.call('FLUSHALL')).to.equal('+OK\r\n');
  } finally {
    c.close();
  }
}

/** each command's reply bytes on a fresh connection, optionally after HELLO 3 */
export async function runRaw(port: number, script: Script, resp3: boolean): Promise<string[]> {
  const c = await RawClient.connect(port);
  try {
    if (resp3) await c.call('HELLO', '3');
    const out: string[] = [];
    for (const cmd of script) out.push(await c.call(...cmd));
    return out;
  } finally {
    c.close();
  }
}

/** pairs each command with its answer so a failure shows which command differed */
export function labelled(script: Script, replies: readonly unknown[]): Array<[string, unknown]> {
  return script.map((cmd, i) => [cmd.map((a) => a.toString('latin1')).join(' '), replies[i]]);
}

/**
 * Registers hooks that start a quorumkv node and a redis-server for the enclosing describe (it
 * is skipped without redis-server), and returns `both`: the same script on both, databases
 * flushed first, failing with a server's log if it is not running or dies during the script.
 */
export function useServerPair(): { both<T>(fn: (port: number) => Promise<T>): Promise<{ ours: T; theirs: T }> } {
  let qkv: ServerProcess | undefined;
  let redis: ServerProcess | undefined;
  before(async function () {
    if (!redisAvailable()) this.skip();
    [qkv, redis] = await Promise.all([startNode(), startRedis()]);
  });
  after(() => disposeAll(qkv, redis));
  return {
    async both<T>(fn: (port: number) => Promise<T>): Promise<{ ours: T; theirs: T }> {
      for (const p of [qkv!, redis!]) if (!p.child) throw new Error(`${p.label} is not running:\n${p.log()}`);
      await Promise.all([flush(qkv!.port), flush(redis!.port)]);
      try {
        const [ours, theirs] = await Promise.all([fn(qkv!.port), fn(redis!.port)]);
        return { ours, theirs };
      } finally {
        await new Promise((r) => setTimeout(r, 20)); // let an exit be noticed
        for (const p of [qkv!, redis!]) if (!p.child) throw new Error(`${p.label} died during the script:\n${p.log()}`);
      }
    },
  };
}
