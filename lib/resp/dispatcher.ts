/**
 * Runs one command: resolve it in the command table, check authentication, take its keys' locks
 * (so a key's commands run in arrival order and read-modify-writes do not interleave), call the
 * handler, and turn any error into a RESP error reply. Never throws. An optional CommandObserver
 * times each command that passed authentication, from start until its reply settled.
 *
 * Commands that only read (GET, MGET, EXISTS, TTL, VGET, ...) and writes that do not read first (a
 * plain SET without options, VSET) take no lock (Prepared.unlocked): none reads and then writes
 * the key at the command level (the record store orders the versions of a key itself), so they
 * need not wait for other clients' commands on it, and a connection runs its own commands on one
 * key in order without the lock (Connection). With the lock, a hot key's commands ran one after
 * another on each node, each through its quorum round trip: under YCSB's Zipfian keys that held the
 * cluster to two thirds of its throughput with uniform keys.
 */
import type { ClientState, CommandContext, ServerContext } from './context';
import type { ErrorReply, Reply } from './reply';
import { commandKeys, type CommandDef, type Handler, type ResolvedCommand } from './command-table';
import { CommandError, Errors, toErrorReply } from './errors';
import { KeyLocks, type Release } from '../util/key-locks';
import { runAtPrimary } from './forwarding';

/** times commands (latency tracking): start() when a command starts, finish() when it settled */
export interface CommandObserver {
  start(): number;
  /** returns `reply` unchanged */
  finish(fullName: string, start: number, reply: Reply): Reply;
}

/** what a connection after a refused MULTI still runs (see ClientState.inMulti) */
const ENDS_MULTI = new Set(['exec', 'discard', 'multi', 'quit', 'reset']);

export class Dispatcher {
  readonly locks = new KeyLocks();

  constructor(
    readonly server: ServerContext,
    private readonly observer: CommandObserver | null = null,
  ) {}

  /** resolve argv once: the command (with its keys) or the error reply to answer */
  prepare(args: Buffer[]): Prepared {
    const resolved = this.server.commands.resolve(args);
    if (resolved instanceof CommandError) return { error: toErrorReply(resolved) };
    return { cmd: resolved, keys: commandKeys(resolved.def, args), unlocked: lockFree(resolved.def, args) };
  }

  run(client: ClientState, args: Buffer[], prepared: Prepared = this.prepare(args)): Reply | Promise<Reply> {
    if (prepared.error) return prepared.error;
    const { def, fullName } = prepared.cmd;
    const keys = prepared.keys;
    client.lastCommand = fullName;
    this.server.stats.commandsProcessed++;
    if (!client.authenticated && !def.flags.includes('noauth')) return toErrorReply(Errors.noAuth());
    if (client.inMulti && !ENDS_MULTI.has(def.name)) return toErrorReply(Errors.refusedInMulti());
    const obs = this.observer;
    if (obs === null) return this.execute(client, args, prepared.cmd, keys, prepared.unlocked);
    const start = obs.start();
    const r = this.execute(client, args, prepared.cmd, keys, prepared.unlocked);
    if (!(r instanceof Promise)) return obs.finish(fullName, start, r);
    return r.then((reply) => obs.finish(fullName, start, reply));
  }

  private execute(client: ClientState, args: Buffer[], cmd: ResolvedCommand, keys: Buffer[], unlocked: boolean): Reply | Promise<Reply> {
    const { def, handler } = cmd;
    const ctx = { client, server: this.server };
    try {
      if (keys.length === 0 || unlocked) {
        const r = handler(ctx, args);
        return r instanceof Promise ? r.catch(toErrorReply) : r;
      }
      if (keys.length === 1 && def.atPrimary?.(args) === true && !client.forwarded && this.server.keyspace.atPrimary !== undefined) {
        return atPrimaryOrHere(this.locks, ctx, args, keys, handler);
      }
      const exclusive = def.flags.includes('write');
      const release = this.locks.tryAcquire(keys, exclusive);
      if (release) return runLocked(handler, ctx, args, release);
      return this.locks.acquire(keys, exclusive).then((rel) => runLocked(handler, ctx, args, rel));
    } catch (err) {
      return toErrorReply(err);
    }
  }
}

/** the command's reply from the key's first replica, or, when that is this node, run here under the lock */
async function atPrimaryOrHere(locks: KeyLocks, ctx: CommandContext, args: Buffer[], keys: Buffer[], handler: Handler): Promise<Reply> {
  try {
    const there = await runAtPrimary(ctx.server, ctx.client, keys[0]!, args);
    if (there !== null) return there.reply; // a nil reply too: it ran there
  } catch (err) {
    return toErrorReply(err);
  }
  return runLocked(handler, ctx, args, await locks.acquire(keys, true));
}

/** run a handler holding its keys' lock; errors become replies; the lock is always released */
function runLocked(handler: Handler, ctx: CommandContext, args: Buffer[], release: Release): Reply | Promise<Reply> {
  let r: Reply | Promise<Reply>;
  try {
    r = handler(ctx, args);
  } catch (err) {
    release();
    return toErrorReply(err);
  }
  if (!(r instanceof Promise)) {
    release();
    return r;
  }
  return r.then(
    (v) => {
      release();
      return v;
    },
    (err: unknown) => {
      release();
      return toErrorReply(err);
    },
  );
}

/** reads, and writes the command table marks as not reading first: no key lock (see the top of this file) */
function lockFree(def: CommandDef, args: Buffer[]): boolean {
  return def.flags.includes('readonly') || def.blindWrite?.(args) === true;
}

export type Prepared =
  | { readonly error: ErrorReply; readonly cmd?: undefined; readonly keys?: undefined; readonly unlocked?: undefined }
  | { readonly error?: undefined; readonly cmd: ResolvedCommand; readonly keys: Buffer[]; readonly unlocked: boolean };
