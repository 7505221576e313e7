/**
 * INCR DECR INCRBY DECRBY as a PN-counter (a CRDT), INCRBYFLOAT as a read-modify-write of a string.
 *
 * An integer increment is never a read-then-write-a-total here: the write carries only the delta
 * (counterDelta), and the coordinator applies it on its own replica, on its own entry of the
 * counter, under the key's lock (applyWrite → counterWrite). Concurrent increments through
 * different coordinators become concurrent counter siblings whose join counts each of them once.
 *
 * INCRBYFLOAT is not a CRDT: a float is read with the quorum, the sum computed as Redis does (x87
 * long double, printed with %.17Lf and trailing zeros removed) and written back as a string
 * replacing the versions read (like VSET); a concurrent write survives as a sibling.
 */
import { ALWAYS, cmd, ONE_KEY, type CommandDef } from '../command-table';
import type { CommandContext } from '../context';
import type { Reply } from '../reply';
import { CommandError, Errors } from '../errors';
import { parseI64 } from '../args';
import { counterDelta, counterValue, joinCounterSiblings } from '../../versioning/counter';
import { liveSiblings } from '../../versioning';
import type { VRecord } from '../../versioning/types';
import { noteSiblings, quorumOf, readCurrent, writeValue } from './values';
import { addLongDouble, formatLongDouble, parseLongDouble } from './long-double';

const I64_MIN = -(1n << 63n);

/** the codes counterWrite throws, locally or from the coordinator a write was forwarded to */
function counterErrorOf(err: unknown): CommandError | null {
  const e = err as { code?: unknown; remoteCode?: unknown };
  const code = e.code === 'REMOTE_ERROR' ? e.remoteCode : e.code;
  if (code === 'COUNTER_NOT_INTEGER') return Errors.notInteger();
  if (code === 'COUNTER_OVERFLOW') return new CommandError('ERR increment or decrement would overflow');
  return null;
}

/** the total after this write: the new sibling's, joined with any sibling it did not replace */
function totalOf(ctx: CommandContext, rec: VRecord): bigint {
  return counterValue(joinCounterSiblings(liveSiblings(rec, ctx.server.clock.now())));
}

/** add `delta` to the key's counter through the coordinator; the reply is the new value */
export async function incrementBy(ctx: CommandContext, key: Buffer, delta: bigint): Promise<Reply> {
  let rec: VRecord;
  try {
    rec = await ctx.server.keyspace.write(key, null, { payload: counterDelta(delta), ts: ctx.server.clock.now(), expireAt: null }, quorumOf(ctx));
  } catch (err) {
    throw counterErrorOf(err) ?? err;
  }
  noteSiblings(ctx, rec);
  return totalOf(ctx, rec);
}

async function decrby(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  const by = parseI64(args[2]);
  if (by === I64_MIN) throw new CommandError('ERR decrement would overflow');
  return incrementBy(ctx, args[1], -by);
}

async function incrbyfloat(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  const cur = await readCurrent(ctx, args[1]);
  const value = cur.value === null ? { neg: false, mant: 0n, exp: 0 } : parseLongDouble(cur.value);
  const incr = parseLongDouble(args[2]);
  if (value === null || incr === null) throw Errors.notFloat();
  const sum = addLongDouble(value, incr);
  if (typeof sum === 'string') throw new CommandError('ERR increment would produce NaN or Infinity');
  const out = Buffer.from(formatLongDouble(sum), 'latin1');
  // INCRBYFLOAT keeps the key's TTL, as Redis's dbOverwrite does
  await writeValue(ctx, args[1], cur.record, out, cur.sib?.expireAt ?? null, cur.sib);
  return out;
}

export const counterCommands: CommandDef[] = [
  cmd('incr', 2, ['write', 'denyoom', 'fast'], 'string', 'Increment the integer value of a key by one', (ctx, a) => incrementBy(ctx, a[1], 1n), ONE_KEY),
  cmd('decr', 2, ['write', 'denyoom', 'fast'], 'string', 'Decrement the integer value of a key by one', (ctx, a) => incrementBy(ctx, a[1], -1n), ONE_KEY),
  cmd('incrby', 3, ['write', 'denyoom', 'fast'], 'string', 'Increment the integer value of a key by the given amount',
    (ctx, a) => incrementBy(ctx, a[1], parseI64(a[2])), ONE_KEY),
  cmd('decrby', 3, ['write', 'denyoom', 'fast'], 'string', 'Decrement the integer value of a key by the given number', decrby, ONE_KEY),
  { ...cmd('incrbyfloat', 3, ['write', 'denyoom', 'fast'], 'string', 'Increment the float value of a key by the given amount', incrbyfloat, ONE_KEY), atPrimary: ALWAYS },
];
