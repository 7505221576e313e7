/** EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME PEXPIRETIME PERSIST. */
import { ALWAYS, cmd, ONE_KEY, type CommandDef } from '../command-table';
import type { CommandContext } from '../context';
import type { Reply } from '../reply';
import { CommandError } from '../errors';
import { lower } from '../args';
import { lookupRead, readCurrent, writeValue } from './values';
import { expiryForExpire, type ExpiryUnit } from './expiry';

function expireCommand(name: string, unit: ExpiryUnit) {
  return async (ctx: CommandContext, args: Buffer[]): Promise<Reply> => {
    const now = ctx.server.clock.now();
    const at = expiryForExpire(unit, args[2], now, name);
    const flags = new Set<string>();
    for (const a of args.slice(3)) {
      const f = lower(a);
      if (f !== 'nx' && f !== 'xx' && f !== 'gt' && f !== 'lt') throw new CommandError(`ERR Unsupported option ${a.toString('latin1')}`);
      flags.add(f);
    }
    if (flags.has('nx') && (flags.has('xx') || flags.has('gt') || flags.has('lt'))) {
      throw new CommandError('ERR NX and XX, GT or LT options at the same time are not compatible');
    }
    if (flags.has('gt') && flags.has('lt')) throw new CommandError('ERR GT and LT options at the same time are not compatible');
    const cur = await readCurrent(ctx, args[1]);
    if (!cur.sib) return 0;
    const old = cur.sib.expireAt; // null: persistent, i.e. an infinite TTL for GT/LT
    if (flags.has('nx') && old !== null) return 0;
    if (flags.has('xx') && old === null) return 0;
    if (flags.has('gt') && (old === null || at <= old)) return 0;
    if (flags.has('lt') && old !== null && at >= old) return 0;
    const gone = at <= now;
    await writeValue(ctx, args[1], cur.record, gone ? null : cur.value, gone ? null : at);
    return 1;
  };
}

function ttlCommand(ms: boolean) {
  return async (ctx: CommandContext, args: Buffer[]): Promise<Reply> => {
    const cur = await lookupRead(ctx, args[1]);
    if (!cur.sib) return -2;
    if (cur.sib.expireAt === null) return -1;
    const left = Math.max(0, cur.sib.expireAt - ctx.server.clock.now());
    return ms ? left : Math.floor((left + 500) / 1000);
  };
}

/** EXPIRETIME / PEXPIRETIME: the absolute expiry (unix seconds or ms), -1 without one, -2 no key */
function expiretimeCommand(ms: boolean) {
  return async (ctx: CommandContext, args: Buffer[]): Promise<Reply> => {
    const cur = await lookupRead(ctx, args[1]);
    if (!cur.sib) return -2;
    if (cur.sib.expireAt === null) return -1;
    return ms ? cur.sib.expireAt : Math.floor((cur.sib.expireAt + 500) / 1000); // rounded, as Redis
  };
}

async function persist(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  const cur = await readCurrent(ctx, args[1]);
  if (!cur.sib || cur.sib.expireAt === null) return 0;
  await writeValue(ctx, args[1], cur.record, cur.value, null);
  return 1;
}

export const expireCommands: CommandDef[] = [
  { ...cmd('expire', -3, ['write', 'fast'], 'generic', "Set a key's time to live in seconds", expireCommand('expire', 'ex'), ONE_KEY), atPrimary: ALWAYS },
  { ...cmd('pexpire', -3, ['write', 'fast'], 'generic', "Set a key's time to live in milliseconds", expireCommand('pexpire', 'px'), ONE_KEY), atPrimary: ALWAYS },
  { ...cmd('expireat', -3, ['write', 'fast'], 'generic', 'Set the expiration for a key as a UNIX timestamp', expireCommand('expireat', 'exat'), ONE_KEY), atPrimary: ALWAYS },
  { ...cmd('pexpireat', -3, ['write', 'fast'], 'generic', 'Set the expiration for a key as a UNIX timestamp in ms', expireCommand('pexpireat', 'pxat'), ONE_KEY), atPrimary: ALWAYS },
  cmd('ttl', 2, ['readonly', 'fast', 'random'], 'generic', 'Get the time to live for a key in seconds', ttlCommand(false), ONE_KEY),
  cmd('pttl', 2, ['readonly', 'fast', 'random'], 'generic', 'Get the time to live for a key in milliseconds', ttlCommand(true), ONE_KEY),
  cmd('expiretime', 2, ['readonly', 'fast'], 'generic', 'Get the expiration Unix timestamp for a key', expiretimeCommand(false), ONE_KEY),
  cmd('pexpiretime', 2, ['readonly', 'fast'], 'generic', 'Get the expiration Unix timestamp for a key in milliseconds', expiretimeCommand(true), ONE_KEY),
  { ...cmd('persist', 2, ['write', 'fast'], 'generic', 'Remove the expiration from a key', persist, ONE_KEY), atPrimary: ALWAYS },
];
