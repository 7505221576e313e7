/** The string family: GET, SET and friends. */
import { ALWAYS, cmd, ONE_KEY, ALL_KEYS, KEY_VALUE_PAIRS, type CommandDef } from '../command-table';
import type { CommandContext } from '../context';
import { OK, type Reply } from '../reply';
import { Errors } from '../errors';
import { isOpt, lower } from '../args';
import { lookupRead, readCurrent, writeValue } from './values';
import { expiryFromOption, unitOf, type ExpiryUnit } from './expiry';
import { rangeCommands } from './string-ranges';
import { mapBounded, MULTI_KEY_CONCURRENCY } from '../../util/map-bounded';

interface SetOptions {
  cond: 'nx' | 'xx' | null;
  get: boolean;
  keepTtl: boolean;
  expireAt: number | null;
}

/**
 * SET's options as Redis 7.0 parses them (parseExtendedStringArgumentsOrReply): an option may
 * repeat (the last expiry wins), only different options conflict, and the expiry value is
 * checked after all options are read.
 */
function parseSetOptions(ctx: CommandContext, args: Buffer[]): SetOptions {
  const o: SetOptions = { cond: null, get: false, keepTtl: false, expireAt: null };
  let unit: ExpiryUnit | null = null;
  let expireArg: Buffer | null = null;
  for (let i = 3; i < args.length; i++) {
    const a = lower(args[i]);
    const u = unitOf(args[i]);
    if ((a === 'nx' || a === 'xx') && o.cond !== (a === 'nx' ? 'xx' : 'nx')) o.cond = a;
    else if (a === 'get') o.get = true;
    else if (a === 'keepttl' && unit === null) o.keepTtl = true;
    else if (u && !o.keepTtl && (unit === null || unit === u) && i + 1 < args.length) {
      unit = u;
      expireArg = args[++i];
    } else throw Errors.syntax();
  }
  if (unit !== null && expireArg !== null) o.expireAt = expiryFromOption(unit, expireArg, ctx.server.clock.now(), 'set');
  return o;
}

/** SET reads the key before it writes only with NX, XX, GET or KEEPTTL */
function setReads(args: readonly Buffer[]): boolean {
  for (let i = 3; i < args.length; i++) {
    const a = lower(args[i]);
    if (a === 'nx' || a === 'xx' || a === 'get' || a === 'keepttl') return true;
  }
  return false;
}

async function set(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  const [, key, value] = args;
  const o = parseSetOptions(ctx, args);
  if (o.cond === null && !o.get && !o.keepTtl) {
    await writeValue(ctx, key, null, value, o.expireAt);
    return OK;
  }
  // SET ... GET reads the old value (Redis counts that lookup); NX/XX/KEEPTTL only look
  const cur = o.get ? await lookupRead(ctx, key) : await readCurrent(ctx, key);
  const blocked = (o.cond === 'nx' && cur.sib) || (o.cond === 'xx' && !cur.sib);
  if (!blocked) {
    const expireAt = o.keepTtl ? (cur.sib?.expireAt ?? null) : o.expireAt;
    await writeValue(ctx, key, cur.record, value, expireAt);
  }
  if (o.get) return cur.value;
  return blocked ? null : OK;
}

async function setnx(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  const cur = await readCurrent(ctx, args[1]);
  if (cur.sib) return 0;
  await writeValue(ctx, args[1], cur.record, args[2], null);
  return 1;
}

function setWithExpiry(unit: 'ex' | 'px', name: string) {
  return async (ctx: CommandContext, args: Buffer[]): Promise<Reply> => {
    const at = expiryFromOption(unit, args[2], ctx.server.clock.now(), name);
    await writeValue(ctx, args[1], null, args[3], at);
    return OK;
  };
}

async function getset(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  const cur = await lookupRead(ctx, args[1]);
  await writeValue(ctx, args[1], cur.record, args[2], null);
  return cur.value;
}

async function getdel(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  const cur = await lookupRead(ctx, args[1]);
  if (cur.sib) await writeValue(ctx, args[1], cur.record, null, null);
  return cur.value;
}

async function getex(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  const now = ctx.server.clock.now();
  // as SET: an option may repeat (the last value wins); different ones conflict
  let unit: ExpiryUnit | null = null;
  let expireArg: Buffer | null = null;
  let persist = false;
  for (let i = 2; i < args.length; i++) {
    const u = unitOf(args[i]);
    if (u && !persist && (unit === null || unit === u) && i + 1 < args.length) {
      unit = u;
      expireArg = args[++i];
    } else if (isOpt(args[i], 'persist') && unit === null) persist = true;
    else throw Errors.syntax();
  }
  const cur = await lookupRead(ctx, args[1]);
  if (!cur.sib) return cur.value; // as Redis 7: a missing key answers nil before the expiry is checked
  // undefined: leave the TTL alone
  let expireAt: number | null | undefined = persist ? null : undefined;
  if (unit !== null && expireArg !== null) expireAt = expiryFromOption(unit, expireArg, now, 'getex');
  if (expireAt !== undefined) {
    // an expiry in the past deletes the key, as Redis does
    const del = expireAt !== null && expireAt <= now;
    await writeValue(ctx, args[1], cur.record, del ? null : cur.value, expireAt);
  }
  return cur.value;
}

async function mset(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  if (args.length % 2 === 0) throw Errors.wrongArgs('mset');
  const pairs: number[] = [];
  for (let i = 1; i < args.length; i += 2) pairs.push(i);
  await mapBounded(pairs, MULTI_KEY_CONCURRENCY, (i) => writeValue(ctx, args[i]!, null, args[i + 1]!, null));
  return OK;
}

async function msetnx(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  if (args.length % 2 === 0) throw Errors.wrongArgs('msetnx');
  const keys = args.filter((_, i) => i % 2 === 1);
  const curs = await mapBounded(keys, MULTI_KEY_CONCURRENCY, (k) => readCurrent(ctx, k));
  if (curs.some((c) => c.sib)) return 0;
  await mapBounded(keys, MULTI_KEY_CONCURRENCY, (k, j) => writeValue(ctx, k, curs[j]!.record, args[2 * j + 2]!, null));
  return 1;
}

export const stringCommands: CommandDef[] = [
  cmd('get', 2, ['readonly', 'fast'], 'string', 'Get the value of a key', async (ctx, a) => (await lookupRead(ctx, a[1])).value, ONE_KEY),
  // without options SET replaces whatever the coordinator holds, reading nothing first
  { ...cmd('set', -3, ['write', 'denyoom'], 'string', 'Set the string value of a key', set, ONE_KEY), blindWrite: (a) => !setReads(a), atPrimary: setReads },
  { ...cmd('setnx', 3, ['write', 'denyoom', 'fast'], 'string', 'Set the value of a key, only if it does not exist', setnx, ONE_KEY), atPrimary: ALWAYS },
  cmd('setex', 4, ['write', 'denyoom'], 'string', 'Set the value and expiration of a key', setWithExpiry('ex', 'setex'), ONE_KEY),
  cmd('psetex', 4, ['write', 'denyoom'], 'string', 'Set the value and expiration in ms of a key', setWithExpiry('px', 'psetex'), ONE_KEY),
  { ...cmd('getset', 3, ['write', 'denyoom', 'fast'], 'string', 'Set a key and return its old value', getset, ONE_KEY), atPrimary: ALWAYS },
  { ...cmd('getdel', 2, ['write', 'fast'], 'string', 'Get the value of a key and delete the key', getdel, ONE_KEY), atPrimary: ALWAYS },
  { ...cmd('getex', -2, ['write', 'fast'], 'string', 'Get the value of a key and optionally set its expiration', getex, ONE_KEY), atPrimary: ALWAYS },
  cmd('mget', -2, ['readonly', 'fast'], 'string', 'Get the values of all the given keys',
    async (ctx, a) => mapBounded(a.slice(1), MULTI_KEY_CONCURRENCY, async (k) => (await lookupRead(ctx, k)).value), ALL_KEYS),
  cmd('mset', -3, ['write', 'denyoom'], 'string', 'Set multiple keys to multiple values', mset, KEY_VALUE_PAIRS),
  cmd('msetnx', -3, ['write', 'denyoom'], 'string', 'Set multiple keys only if none of them exist', msetnx, KEY_VALUE_PAIRS),
  ...rangeCommands,
];
