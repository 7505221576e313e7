/** The Dynamo part: VGET VSET VDEL (siblings and contexts), QUORUM, DEBUG REPLICA. */
import { cmd, ONE_KEY, type CommandDef } from '../command-table';
import type { CommandContext } from '../context';
import { OK, type Reply } from '../reply';
import { CommandError, Errors } from '../errors';
import { parseInt64 } from '../args';
import { decodeContext, encodeContext, liveSiblings } from '../../versioning';
import type { VRecord } from '../../versioning/types';
import { countLookup, quorumOf, liveValues, noteSiblings } from './values';
import { expiryFromOption, unitOf } from './expiry';

/** [context, value1, value2, ...]: every live sibling and one context covering them all */
function siblingsReply(ctx: CommandContext, rec: VRecord): Reply[] {
  // concurrent counter siblings show as one joined total
  return [encodeContext(rec.vv), ...liveValues(rec, ctx.server.clock.now())];
}

async function vset(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  const [, key, context, value] = args;
  let expireAt: number | null = null;
  if (args.length === 6) {
    const unit = unitOf(args[4]);
    if (unit !== 'ex' && unit !== 'px') throw Errors.syntax();
    expireAt = expiryFromOption(unit, args[5], ctx.server.clock.now(), 'vset');
  } else if (args.length !== 4) throw Errors.syntax();
  const vv = decodeContext(context);
  const rec = await ctx.server.keyspace.write(
    key,
    vv,
    { payload: { kind: 'bytes', data: value }, ts: ctx.server.clock.now(), expireAt },
    quorumOf(ctx),
  );
  noteSiblings(ctx, rec);
  return OK;
}

async function vdel(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  const vv = decodeContext(args[2]);
  const before = await ctx.server.keyspace.read(args[1], quorumOf(ctx));
  const now = ctx.server.clock.now();
  const covered = liveSiblings(before, now).filter((s) => (vv.get(s.dot.node) ?? 0) >= s.dot.counter);
  await ctx.server.keyspace.write(args[1], vv, { payload: { kind: 'tombstone' }, ts: now, expireAt: null }, quorumOf(ctx));
  return covered.length > 0 ? 1 : 0;
}

function quorum(ctx: CommandContext, args: Buffer[]): Reply {
  if (args.length === 1) {
    const q = ctx.server.keyspace.quorum(quorumOf(ctx));
    return [q.n, q.r, q.w];
  }
  if (args.length !== 3) throw Errors.wrongArgs('quorum');
  const r = parseInt64(args[1]);
  const w = parseInt64(args[2]);
  const n = ctx.server.config.replicas;
  if (r < 1 || w < 1 || r > n || w > n) throw new CommandError(`ERR invalid quorum: R and W must be between 1 and N (${n})`);
  ctx.client.quorum = { r, w };
  return OK;
}

export const versionCommands: CommandDef[] = [
  cmd('vget', 2, ['readonly', 'fast'], 'versioned', 'Get every sibling value of a key and a causal context',
    async (ctx, a) => {
      const reply = siblingsReply(ctx, await ctx.server.keyspace.read(a[1], quorumOf(ctx)));
      countLookup(ctx, reply.length > 1); // [context, value1, ...]: found when a value follows
      return reply;
    }, ONE_KEY),
  // the client's context says what it replaces: nothing is read first
  { ...cmd('vset', -4, ['write', 'denyoom'], 'versioned', 'Set a value replacing the versions a context covers', vset, ONE_KEY), blindWrite: () => true },
  cmd('vdel', 3, ['write', 'fast'], 'versioned', 'Delete the versions a context covers (a tombstone)', vdel, ONE_KEY),
  cmd('quorum', -1, ['fast', 'stale'], 'versioned', "Show or set this connection's R and W", quorum),
  {
    name: 'debug',
    arity: -2,
    flags: ['admin'],
    group: 'server',
    summary: 'Debugging commands',
    subcommands: [
      cmd('replica', 3, ['admin', 'readonly'], 'server', "This node's own replica of a key, without a quorum",
        async (ctx, a) => siblingsReply(ctx, await ctx.server.keyspace.localRecord(a[2])), { first: 2, last: 2, step: 1 }),
      cmd('sleep', 3, ['admin'], 'server', 'Sleep (for tests)', async (_ctx, a) => {
        const ms = Math.round(Number(a[2].toString()) * 1000);
        if (!Number.isFinite(ms) || ms < 0) throw Errors.notFloat();
        await new Promise((r) => setTimeout(r, ms));
        return OK;
      }),
    ],
  },
];
