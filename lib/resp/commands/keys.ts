/** The keyspace family: DEL EXISTS TOUCH TYPE KEYS SCAN RANDOMKEY RENAME COPY FLUSHALL DBSIZE ... */
import { cmd, ONE_KEY, ALL_KEYS, type CommandDef } from '../command-table';
import type { CommandContext } from '../context';
import { OK, SimpleString, type Reply } from '../reply';
import { CommandError, Errors } from '../errors';
import { isOpt, lower, parseInt64 } from '../args';
import { globMatch } from '../../util/glob';
import { lookupRead, readCurrent, writeValue } from './values';
import { expireCommands } from './expire';
import { SLOTS } from '../../storage/keys';
import { mapBounded, MULTI_KEY_CONCURRENCY } from '../../util/map-bounded';

async function del(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  const keys = [...new Map(args.slice(1).map((k) => [k.toString('latin1'), k])).values()];
  const done = await mapBounded(
    keys, MULTI_KEY_CONCURRENCY, async (k) => {
      const cur = await readCurrent(ctx, k);
      if (!cur.sib) return 0;
      await writeValue(ctx, k, cur.record, null, null);
      return 1;
    },
  );
  return done.reduce<number>((a, b) => a + b, 0);
}

async function exists(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  const found = await mapBounded(args.slice(1), MULTI_KEY_CONCURRENCY, async (k) => ((await lookupRead(ctx, k)).sib ? 1 : 0));
  return found.reduce<number>((a, b) => a + b, 0);
}

/** every visible key, page by page (KEYS, DBSIZE, FLUSHALL) */
async function forEachKey(ctx: CommandContext, fn: (keys: Buffer[]) => Promise<void> | void): Promise<void> {
  let cursor = 0;
  do {
    const page = await ctx.server.keyspace.scan(cursor, 1000, ctx.server.clock.now());
    await fn(page.keys);
    cursor = page.next;
  } while (cursor !== 0);
}

async function keys(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  const out: Buffer[] = [];
  await forEachKey(ctx, (ks) => {
    for (const k of ks) if (globMatch(args[1], k)) out.push(k);
  });
  return out;
}

/**
 * The cursor as Redis reads it (strtoul): an optional sign, digits, nothing else; a negative
 * cursor wraps around to a huge one, which ends the scan.
 */
function parseScanCursor(b: Buffer): number {
  const m = /^([+-]?)([0-9]+)$/.exec(b.toString('latin1'));
  if (!m) throw new CommandError('ERR invalid cursor');
  const v = BigInt(m[2]);
  if (v > 0xffffffffffffffffn) throw new CommandError('ERR invalid cursor');
  if (m[1] === '-' && v !== 0n) return Number.MAX_SAFE_INTEGER;
  return v >= BigInt(SLOTS) ? SLOTS : Number(v);
}

async function scan(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  const cursor = parseScanCursor(args[1]);
  let count = 10;
  let pattern: Buffer | null = null;
  let type: string | null = null;
  for (let i = 2; i < args.length; i++) {
    if (i + 1 >= args.length) throw Errors.syntax();
    if (isOpt(args[i], 'count')) {
      count = parseInt64(args[++i]);
      if (count < 1) throw Errors.syntax();
    } else if (isOpt(args[i], 'match')) pattern = args[++i];
    else if (isOpt(args[i], 'type')) type = lower(args[++i]);
    else throw Errors.syntax();
  }
  if (cursor >= SLOTS) return ['0', []];
  const page = await ctx.server.keyspace.scan(cursor, count, ctx.server.clock.now());
  let ks = pattern ? page.keys.filter((k) => globMatch(pattern, k)) : page.keys;
  if (type !== null && type !== 'string') ks = [];
  return [String(page.next), ks];
}

async function dbsize(ctx: CommandContext): Promise<Reply> {
  let n = 0;
  await forEachKey(ctx, (ks) => {
    n += ks.length;
  });
  return n;
}

async function flushall(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  if (args.length > 2 || (args.length === 2 && !isOpt(args[1], 'async') && !isOpt(args[1], 'sync'))) throw Errors.syntax();
  // deletes are tombstones, so replicas that missed the flush cannot bring the keys back
  await forEachKey(ctx, async (ks) => {
    await Promise.all(ks.map(async (k) => writeValue(ctx, k, (await readCurrent(ctx, k)).record, null, null)));
  });
  return OK;
}

async function randomkey(ctx: CommandContext): Promise<Reply> {
  const start = Math.floor(ctx.server.rng() * SLOTS);
  const now = ctx.server.clock.now();
  for (const cursor of [start, 0]) {
    const page = await ctx.server.keyspace.scan(cursor, 1, now);
    if (page.keys.length > 0) return page.keys[Math.floor(ctx.server.rng() * page.keys.length)];
  }
  return null;
}

function rename(nx: boolean) {
  return async (ctx: CommandContext, args: Buffer[]): Promise<Reply> => {
    const [, src, dst] = args;
    const from = await readCurrent(ctx, src);
    if (!from.sib) throw Errors.noKey();
    if (src.equals(dst)) return nx ? 0 : OK;
    const to = await readCurrent(ctx, dst);
    if (nx && to.sib) return 0;
    await writeValue(ctx, dst, to.record, from.value, from.sib.expireAt);
    await writeValue(ctx, src, from.record, null, null);
    return nx ? 1 : OK;
  };
}

/**
 * COPY source destination [DB index] [REPLACE]: the value and its TTL, as Redis. As in Redis
 * Cluster, only database 0 is used: another index is refused with Redis Cluster's errors.
 */
async function copy(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  const [, src, dst] = args;
  let replace = false;
  for (let i = 3; i < args.length; i++) {
    if (isOpt(args[i], 'replace')) replace = true;
    else if (isOpt(args[i], 'db') && i + 1 < args.length) {
      const db = parseInt64(args[++i]);
      if (db < -2147483648 || db > 2147483647) throw Errors.notInteger();
      if (db < 0 || db >= 16) throw new CommandError('ERR DB index is out of range');
      if (db !== 0) throw new CommandError('ERR Copying to another database is not allowed in cluster mode');
    } else throw Errors.syntax();
  }
  if (src.equals(dst)) throw new CommandError('ERR source and destination objects are the same');
  const from = await readCurrent(ctx, src);
  if (!from.sib) return 0;
  const to = await readCurrent(ctx, dst);
  if (to.sib && !replace) return 0;
  await writeValue(ctx, dst, to.record, from.value, from.sib.expireAt);
  return 1;
}

export const keyCommands: CommandDef[] = [
  cmd('del', -2, ['write'], 'generic', 'Delete a key', del, ALL_KEYS),
  cmd('unlink', -2, ['write', 'fast'], 'generic', 'Delete a key (same as DEL here)', del, ALL_KEYS),
  cmd('exists', -2, ['readonly', 'fast'], 'keyspace', 'Determine if a key exists', exists, ALL_KEYS),
  cmd('touch', -2, ['readonly', 'fast'], 'keyspace', 'Alters the last access time of a key(s). Returns the number of existing keys specified.', exists, ALL_KEYS),
  cmd('type', 2, ['readonly', 'fast'], 'generic', 'Determine the type stored at key',
    async (ctx, a) => new SimpleString((await lookupRead(ctx, a[1])).sib ? 'string' : 'none'), ONE_KEY),
  cmd('keys', 2, ['readonly'], 'generic', 'Find all keys matching the given pattern', keys),
  cmd('scan', -2, ['readonly'], 'generic', 'Incrementally iterate the keys space', scan),
  cmd('randomkey', 1, ['readonly', 'random'], 'generic', 'Return a random key from the keyspace', randomkey),
  cmd('rename', 3, ['write'], 'generic', 'Rename a key', rename(false), { first: 1, last: 2, step: 1 }),
  cmd('renamenx', 3, ['write', 'fast'], 'generic', 'Rename a key, only if the new key does not exist', rename(true), { first: 1, last: 2, step: 1 }),
  cmd('copy', -3, ['write', 'denyoom'], 'generic', 'Copy a key', copy, { first: 1, last: 2, step: 1 }),
  cmd('dbsize', 1, ['readonly', 'fast'], 'server', 'Return the number of keys in the selected database', dbsize),
  cmd('flushdb', -1, ['write'], 'server', 'Remove all keys from the current database', flushall),
  cmd('flushall', -1, ['write'], 'server', 'Remove all keys from all databases', flushall),
  ...expireCommands,
];
