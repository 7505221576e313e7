/** Reading and writing one key's value on top of the versioned keyspace. */
import type { CommandContext } from '../context';
import type { Sibling, VRecord } from '../../versioning/types';
import { visible } from '../../versioning';

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

export function currentOf(ctx: CommandContext, record: VRecord): Current {
  const sib = visible(record, ctx.server.clock.now());
  return { record, sib, value: sib ? valueBytes(sib) : null };
}

/** what GET shows for a sibling: its bytes, or a counter's total as a decimal string */
export function valueBytes(sib: Sibling): Buffer {
  const p = sib.payload;
  if (p.kind === 'bytes') return p.data;
  if (p.kind === 'counter') {
    let total = 0n;
    for (const v of p.inc.values()) total += v;
    for (const v of p.dec.values()) total -= v;
    return Buffer.from(total.toString(), 'latin1');
  }
  return Buffer.alloc(0);
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
): Promise<VRecord> {
  const payload = data === null ? ({ kind: 'tombstone' } as const) : ({ kind: 'bytes', data } as const);
  const rec = await ctx.server.keyspace.write(
    key,
    basis ? basis.vv : null,
    { payload, ts: ctx.server.clock.now(), expireAt: data === null ? null : expireAt },
    quorumOf(ctx),
  );
  noteSiblings(ctx, rec);
  return rec;
}

/** a sibling count over max-siblings is reported (stat + INFO), never truncated */
export function noteSiblings(ctx: CommandContext, rec: VRecord): void {
  if (rec.siblings.length > ctx.server.config.maxSiblings) ctx.server.stats.siblingLimitExceeded++;
}
