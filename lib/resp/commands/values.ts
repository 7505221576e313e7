/** Reading and writing one key's value on top of the versioned keyspace. */
import type { CommandContext } from '../context';
import type { Sibling, VRecord } from '../../versioning/types';
import { liveSiblings, visible } from '../../versioning';
import { contextExcept } from '../../versioning/read';
import { counterDelta, counterValue, joinCounterSiblings } from '../../versioning/counter';

export interface Current {
  readonly record: VRecord;
  /** the sibling plain GET shows; undefined when missing, deleted or expired */
  readonly sib: Sibling | undefined;
  readonly value: Buffer | null;
}

export function quorumOf(ctx: CommandContext): { r?: number; w?: number } | undefined {
  return ctx.client.quorum ?? undefined;
}

export async function readCurrent(ctx: CommandContext, key: Buffer): Promise<Current> {
  const record = await ctx.server.keyspace.read(key, quorumOf(ctx));
  return currentOf(ctx, record);
}

/**
 * readCurrent for a command that reads the key (GET, EXISTS, TTL, ...): counted in INFO's
 * keyspace_hits or keyspace_misses, as Redis's lookupKeyRead counts. Commands that read only to
 * write (DEL, INCR, APPEND, RENAME, ...) use readCurrent and are not counted, as in Redis.
 */
export async function lookupRead(ctx: CommandContext, key: Buffer): Promise<Current> {
  const cur = await readCurrent(ctx, key);
  countLookup(ctx, cur.sib !== undefined);
  return cur;
}

/** one key a read command looked up: found (a live value) or not */
export function countLookup(ctx: CommandContext, found: boolean): void {
  if (found) ctx.server.stats.keyspaceHits++;
  else ctx.server.stats.keyspaceMisses++;
}

/**
 * What plain GET shows: the latest live sibling (by the coordinators' clocks); when that is a
 * counter, the total of the join of every live counter sibling, so increments made concurrently
 * through different coordinators all count.
 */
export function currentOf(ctx: CommandContext, record: VRecord): Current {
  const now = ctx.server.clock.now();
  const sib = visible(record, now);
  if (sib?.payload.kind === 'counter') return { record, sib, value: counterBytes(liveSiblings(record, now)) };
  return { record, sib, value: sib ? valueBytes(sib) : null };
}

function counterBytes(siblings: readonly Sibling[]): Buffer {
  return Buffer.from(counterValue(joinCounterSiblings(siblings)).toString(), 'latin1');
}

/** what GET shows for a sibling: its bytes, or a counter's total as a decimal string */
export function valueBytes(sib: Sibling): Buffer {
  const p = sib.payload;
  if (p.kind === 'bytes') return p.data;
  if (p.kind === 'counter') return Buffer.from(counterValue(p).toString(), 'latin1');
  return Buffer.alloc(0);
}

/**
 * What VGET shows: every live sibling's value, except that the counter siblings count as one
 * value (their join's total, where the first of them stands), since concurrent counter siblings
 * are parts of one counter rather than alternatives to choose from.
 */
export function liveValues(record: VRecord, nowMs: number): Buffer[] {
  const live = liveSiblings(record, nowMs);
  const out: Buffer[] = [];
  let counted = false;
  for (const s of live) {
    if (s.payload.kind !== 'counter') out.push(valueBytes(s));
    else if (!counted) {
      counted = true;
      out.push(counterBytes(live));
    }
  }
  return out;
}

/**
 * Write bytes (or a tombstone, data null). `basis` is the record the command read (its versions
 * are the ones replaced); null means the coordinator's replica decides (plain SET/DEL).
 */
export async function writeValue(
  ctx: CommandContext,
  key: Buffer,
  basis: VRecord | null,
  data: Buffer | null,
  expireAt: number | null,
  /**
   * the sibling of `basis` the new value was made from (APPEND, SETRANGE, INCRBYFLOAT): the write
   * replaces it and leaves the other live siblings (contextExcept); else it replaces all of `basis`
   */
  from?: Sibling,
): Promise<VRecord> {
  if (basis !== null && data !== null && keepsCounter(ctx, basis, data)) return rewriteCounter(ctx, key, expireAt);
  const payload = data === null ? ({ kind: 'tombstone' } as const) : ({ kind: 'bytes', data } as const);
  const context = basis === null ? null
    : from?.payload.kind === 'bytes' ? contextExcept(basis, from, ctx.server.clock.now()) : basis.vv;
  const rec = await ctx.server.keyspace.write(
    key,
    context,
    { payload, ts: ctx.server.clock.now(), expireAt: data === null ? null : expireAt },
    quorumOf(ctx),
  );
  noteSiblings(ctx, rec);
  return rec;
}

/**
 * A command that rewrites a counter's own value (EXPIRE, PERSIST, GETEX, SET KEEPTTL of the same
 * number) keeps it a counter: only its TTL changes, so increments concurrent with it still count.
 */
function keepsCounter(ctx: CommandContext, basis: VRecord, data: Buffer): boolean {
  const cur = currentOf(ctx, basis);
  return cur.sib?.payload.kind === 'counter' && cur.value !== null && cur.value.equals(data);
}

/** a zero increment that sets the TTL, applied on the coordinator's replica like INCR */
async function rewriteCounter(ctx: CommandContext, key: Buffer, expireAt: number | null): Promise<VRecord> {
  const v = { payload: counterDelta(0n, true), ts: ctx.server.clock.now(), expireAt };
  const rec = await ctx.server.keyspace.write(key, null, v, quorumOf(ctx));
  noteSiblings(ctx, rec);
  return rec;
}

/** a sibling count over max-siblings is reported (stat + INFO), never truncated */
export function noteSiblings(ctx: CommandContext, rec: VRecord): void {
  if (rec.siblings.length > ctx.server.config.maxSiblings) ctx.server.stats.siblingLimitExceeded++;
}
