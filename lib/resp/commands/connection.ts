/** Connection commands: PING ECHO QUIT SELECT AUTH HELLO RESET CLIENT. */
import { cmd, type CommandDef } from '../command-table';
import type { ClientState, CommandContext } from '../context';
import { MapReply, OK, SimpleString, VerbatimReply, type Reply } from '../reply';
import { CommandError, Errors } from '../errors';
import { isOpt, lower, parseI64 } from '../args';

function ping(_ctx: CommandContext, args: Buffer[]): Reply {
  if (args.length > 2) throw Errors.wrongArgs('ping');
  return args.length === 2 ? args[1] : new SimpleString('PONG');
}

function select(_ctx: CommandContext, args: Buffer[]): Reply {
  const db = parseI64(args[1]); // "value is not an integer or out of range"
  // Redis reads the index as a C int before checking it against the number of databases
  if (db < -2147483648n || db > 2147483647n) {
    throw new CommandError('ERR value is out of range, value must between -2147483648 and 2147483647');
  }
  if (db !== 0n) throw new CommandError('ERR DB index is out of range');
  return OK;
}

function checkPassword(ctx: CommandContext, user: string | null, pass: Buffer): void {
  const required = ctx.server.config.requirepass;
  if (!required) {
    if (user === null) {
      throw new CommandError(
        'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
      );
    }
    if (user !== 'default') throw Errors.wrongPass();
    return; // the default user without a password accepts any
  }
  if ((user !== null && user !== 'default') || pass.toString('utf8') !== required) throw Errors.wrongPass();
}

function auth(ctx: CommandContext, args: Buffer[]): Reply {
  if (args.length > 3) throw Errors.syntax();
  const user = args.length === 3 ? args[1].toString('utf8') : null;
  checkPassword(ctx, user, args[args.length - 1]);
  ctx.client.authenticated = true;
  return OK;
}

function hello(ctx: CommandContext, args: Buffer[]): Reply {
  let proto: 2 | 3 = ctx.client.proto;
  let i = 1;
  if (args.length > 1) {
    let v: bigint;
    try {
      v = parseI64(args[1]);
    } catch {
      throw new CommandError('ERR Protocol version is not an integer or out of range');
    }
    if (v !== 2n && v !== 3n) throw new CommandError('NOPROTO unsupported protocol version');
    proto = Number(v) as 2 | 3;
    i = 2;
  }
  let name: string | null = null;
  for (; i < args.length; i++) {
    if (isOpt(args[i], 'auth') && i + 2 < args.length) {
      checkPassword(ctx, args[i + 1].toString('utf8'), args[i + 2]);
      ctx.client.authenticated = true;
      i += 2;
    } else if (isOpt(args[i], 'setname') && i + 1 < args.length) {
      name = checkName(args[++i]);
    } else {
      throw new CommandError(`ERR Syntax error in HELLO option '${args[i].toString('latin1')}'`);
    }
  }
  if (!ctx.client.authenticated) throw new CommandError('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
  if (name !== null) ctx.client.name = name;
  ctx.client.proto = proto;
  return new MapReply([
    ['server', 'quorumkv'],
    ['version', '7.0.0'],
    ['proto', proto],
    ['id', ctx.client.id],
    ['mode', 'cluster'],
    ['role', 'master'],
    ['modules', []],
  ]);
}

function checkName(b: Buffer): string {
  for (const c of b) {
    if (c < 0x21 || c > 0x7e) throw new CommandError('ERR Client names cannot contain spaces, newlines or special characters.');
  }
  return b.toString('latin1');
}

export function clientInfoLine(c: ClientState, now: number): string {
  const { qbuf, obl } = c.stats();
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=-1 name=${c.name} age=${Math.floor((now - c.createdAt) / 1000)} ` +
    `idle=${Math.floor((now - c.lastActive) / 1000)} flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=${qbuf} ` +
    `qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=${obl} oll=0 omem=0 tot-mem=0 events=r ` +
    `cmd=${c.lastCommand} user=default redir=-1 resp=${c.proto} lib-name=${c.lib.name} lib-ver=${c.lib.ver}\n`
  );
}

const clientSubcommands: CommandDef[] = [
  cmd('setname', 3, ['stale'], 'connection', 'Set the current connection name', (ctx, a) => {
    ctx.client.name = checkName(a[2]);
    return OK;
  }),
  cmd('getname', 2, ['stale'], 'connection', 'Get the current connection name', (ctx) => ctx.client.name || null),
  cmd('id', 2, ['stale'], 'connection', 'Returns the client ID for the current connection', (ctx) => ctx.client.id),
  cmd('info', 2, ['stale'], 'connection', 'Returns information about the current client connection',
    (ctx) => new VerbatimReply(clientInfoLine(ctx.client, ctx.server.clock.now()))),
  cmd('list', -2, ['admin', 'stale'], 'connection', 'Get the list of client connections', (ctx) =>
    new VerbatimReply(ctx.server.clients.list().map((c) => clientInfoLine(c, ctx.server.clock.now())).join(''))),
  cmd('setinfo', 4, ['stale'], 'connection', 'Set client or connection specific info', (ctx, a) => {
    const attr = lower(a[2]);
    if (attr === 'lib-name') ctx.client.lib.name = checkName(a[3]);
    else if (attr === 'lib-ver') ctx.client.lib.ver = checkName(a[3]);
    else throw new CommandError(`ERR Unrecognized option '${a[2].toString('latin1')}'`);
    return OK;
  }),
  cmd('kill', -3, ['admin'], 'connection', 'Kill the connection of a client', (ctx, a) => {
    if (a.length === 4 && isOpt(a[2], 'id')) return ctx.server.clients.kill(Number(a[3].toString())) ? 1 : 0;
    throw Errors.syntax();
  }),
];

/**
 * RESET (Redis 6.2): the connection as a new one finds it. No name, RESP2, the node's R and W
 * (QUORUM), READWRITE, and unauthenticated again when requirepass is set. The library named with
 * CLIENT SETINFO stays, as in Redis.
 */
function reset(ctx: CommandContext): Reply {
  const c = ctx.client;
  c.name = '';
  c.proto = 2;
  c.quorum = null;
  c.readonly = false;
  c.inMulti = false;
  c.authenticated = !ctx.server.config.requirepass;
  return new SimpleString('RESET');
}

/**
 * MULTI / EXEC / DISCARD: quorumkv has no transactions (commands on different keys go to
 * different replica sets). MULTI is refused, and so is every command after it until EXEC
 * (answered with Redis's EXECABORT) or DISCARD: a client library that pipelines MULTI, its
 * commands and EXEC sees its transaction fail and nothing of it applied, where running the
 * commands one by one applied them while EXEC reported failure.
 */
function multi(ctx: CommandContext): Reply {
  if (ctx.client.inMulti) throw new CommandError('ERR MULTI calls can not be nested');
  ctx.client.inMulti = true;
  throw Errors.noTransactions();
}

function exec(ctx: CommandContext): Reply {
  if (!ctx.client.inMulti) throw new CommandError('ERR EXEC without MULTI');
  ctx.client.inMulti = false;
  throw new CommandError('EXECABORT Transaction discarded because of previous errors.');
}

function discard(ctx: CommandContext): Reply {
  if (!ctx.client.inMulti) throw new CommandError('ERR DISCARD without MULTI');
  ctx.client.inMulti = false;
  return OK;
}

export const connectionCommands: CommandDef[] = [
  cmd('ping', -1, ['fast', 'stale'], 'connection', 'Ping the server', ping),
  cmd('echo', 2, ['fast'], 'connection', 'Echo the given string', (_c, a) => a[1]),
  cmd('quit', -1, ['noauth', 'fast'], 'connection', 'Close the connection', (ctx) => {
    ctx.client.closeAfterReply = true;
    return OK;
  }),
  cmd('select', 2, ['fast', 'loading', 'stale'], 'connection', 'Change the selected database (0 only)', select),
  cmd('auth', -2, ['noauth', 'fast', 'stale'], 'connection', 'Authenticate to the server', auth),
  cmd('hello', -1, ['noauth', 'fast', 'stale'], 'connection', 'Handshake with the server', hello),
  cmd('reset', 1, ['noauth', 'fast', 'loading', 'stale'], 'connection', 'Reset the connection', reset),
  cmd('multi', 1, ['loading', 'stale', 'fast'], 'transactions', 'Refused: there are no transactions', multi),
  cmd('exec', 1, ['loading', 'stale'], 'transactions', 'Ends a refused MULTI (EXECABORT)', exec),
  cmd('discard', 1, ['loading', 'stale', 'fast'], 'transactions', 'Ends a refused MULTI', discard),
  { name: 'client', arity: -2, flags: [], group: 'connection', summary: 'A container for client connection commands', subcommands: clientSubcommands },
];
