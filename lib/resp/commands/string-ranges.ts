/** APPEND, STRLEN, GETRANGE (and its old name SUBSTR), SETRANGE: byte-range operations on string values. */
import { ALWAYS, cmd, ONE_KEY, type CommandDef } from '../command-table';
import type { CommandContext } from '../context';
import type { Reply } from '../reply';
import { Errors } from '../errors';
import { parseI64 } from '../args';
import { lookupRead, readCurrent, writeValue } from './values';

function checkSize(ctx: CommandContext, len: number): void {
  if (len > ctx.server.config.protoMaxBulkLen) throw Errors.maxLen();
}

async function append(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  const cur = await readCurrent(ctx, args[1]);
  const old = cur.value ?? Buffer.alloc(0);
  checkSize(ctx, old.length + args[2].length);
  const next = Buffer.concat([old, args[2]]);
  // the siblings APPEND did not build on stay (a client resolves them with VSET)
  await writeValue(ctx, args[1], cur.record, next, cur.sib?.expireAt ?? null, cur.sib);
  return next.length;
}

/** GETRANGE accepts any 64-bit offsets (Redis clamps them to the string) */
async function getrange(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  let start = parseI64(args[2]);
  let end = parseI64(args[3]);
  const v = (await lookupRead(ctx, args[1])).value ?? Buffer.alloc(0);
  if (start < 0n && end < 0n && start > end) return Buffer.alloc(0);
  const len = BigInt(v.length);
  if (start < 0n) start = len + start;
  if (end < 0n) end = len + end;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= len) end = len - 1n;
  if (start > end || len === 0n) return Buffer.alloc(0);
  return v.subarray(Number(start), Number(end) + 1);
}

async function setrange(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  const big = parseI64(args[2]);
  if (big < 0n) throw Errors.outOfRange();
  const value = args[3];
  const cur = await readCurrent(ctx, args[1]);
  const old = cur.value;
  if (value.length === 0) return old ? old.length : 0;
  if (big + BigInt(value.length) > BigInt(ctx.server.config.protoMaxBulkLen)) throw Errors.maxLen();
  const offset = Number(big);
  const len = Math.max(old ? old.length : 0, offset + value.length);
  const next = Buffer.alloc(len);
  if (old) old.copy(next);
  value.copy(next, offset);
  await writeValue(ctx, args[1], cur.record, next, cur.sib?.expireAt ?? null, cur.sib);
  return len;
}

export const rangeCommands: CommandDef[] = [
  { ...cmd('append', 3, ['write', 'denyoom', 'fast'], 'string', 'Append a value to a key', append, ONE_KEY), atPrimary: ALWAYS },
  cmd('strlen', 2, ['readonly', 'fast'], 'string', 'Get the length of the value stored in a key',
    async (ctx, a) => (await lookupRead(ctx, a[1])).value?.length ?? 0, ONE_KEY),
  cmd('getrange', 4, ['readonly'], 'string', 'Get a substring of the string stored at a key', getrange, ONE_KEY),
  cmd('substr', 4, ['readonly'], 'string', 'Get a substring of the string stored at a key (GETRANGE)', getrange, ONE_KEY),
  { ...cmd('setrange', 4, ['write', 'denyoom'], 'string', 'Overwrite part of a string at key starting at the specified offset', setrange, ONE_KEY), atPrimary: ALWAYS },
];
