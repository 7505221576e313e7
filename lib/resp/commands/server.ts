/** Server commands: COMMAND (COUNT INFO DOCS GETKEYS LIST) INFO TIME CONFIG MEMORY. */
import { cmd, commandKeys, type CommandDef } from '../command-table';
import type { CommandContext } from '../context';
import { MapReply, SimpleString, VerbatimReply, type Reply } from '../reply';
import { CommandError, Errors } from '../errors';
import { isOpt, parseInt64 } from '../args';
import { encodeRecord } from '../../versioning';
import { globMatch } from '../../util/glob';
import { readCurrent } from './values';
import { configGet } from '../../config';
import { infoText } from './info';

function flagsOf(def: CommandDef): Reply[] {
  return def.flags.map((f) => new SimpleString(f));
}

/**
 * A command's ACL categories, as Redis names them, from its flags and group: read/write, fast/slow,
 * admin and dangerous, and the data type's (string, keyspace, connection, transaction). quorumkv has no ACLs;
 * these are for COMMAND INFO and COMMAND LIST FILTERBY ACLCAT.
 */
function aclCategories(def: CommandDef): string[] {
  const out: string[] = [];
  if (def.flags.includes('write')) out.push('write');
  if (def.flags.includes('readonly')) out.push('read');
  if (def.group === 'string') out.push('string');
  if (def.group === 'generic' || def.group === 'keyspace') out.push('keyspace');
  if (def.group === 'connection') out.push('connection');
  if (def.group === 'transactions') out.push('transaction');
  if (def.flags.includes('admin')) out.push('admin', 'dangerous');
  out.push(def.flags.includes('fast') ? 'fast' : 'slow');
  return out;
}

/** COMMAND INFO's entry: name, arity, flags, first key, last key, step, categories, tips, key specs, subcommands */
function commandEntry(def: CommandDef, fullName = def.name): Reply {
  const k = def.keys;
  return [
    fullName,
    def.arity,
    flagsOf(def),
    k?.first ?? 0,
    k?.last ?? 0,
    k?.step ?? 0,
    aclCategories(def).map((c) => new SimpleString(`@${c}`)),
    [],
    [],
    (def.subcommands ?? []).map((s) => commandEntry(s, `${def.name}|${s.name}`)),
  ];
}

function commandDocs(def: CommandDef): Reply {
  const doc: Array<[Reply, Reply]> = [
    ['summary', def.summary],
    ['since', '1.0.0'],
    ['group', def.group],
  ];
  if (def.subcommands) {
    doc.push(['subcommands', new MapReply(def.subcommands.map((s) => [`${def.name}|${s.name}`, commandDocs(s)]))]);
  }
  return new MapReply(doc);
}

/** every command and subcommand ('config|get'), each with its definition */
function allNames(ctx: CommandContext): Array<[string, CommandDef]> {
  const out: Array<[string, CommandDef]> = [];
  for (const d of ctx.server.commands.all()) {
    out.push([d.name, d]);
    for (const sub of d.subcommands ?? []) out.push([`${d.name}|${sub.name}`, sub]);
  }
  return out;
}

/** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern], as Redis 7 */
function commandList(ctx: CommandContext, args: Buffer[]): Reply {
  const names = allNames(ctx);
  if (args.length === 2) return names.map(([n]) => n);
  if (args.length !== 5 || !isOpt(args[2], 'filterby')) throw Errors.syntax();
  const arg = args[4];
  if (isOpt(args[3], 'module')) return []; // no modules
  if (isOpt(args[3], 'aclcat')) {
    const cat = arg.toString('latin1').toLowerCase();
    return names.filter(([, d]) => aclCategories(d).includes(cat)).map(([n]) => n);
  }
  if (isOpt(args[3], 'pattern')) return names.filter(([n]) => globMatch(arg, Buffer.from(n, 'latin1'), true)).map(([n]) => n);
  throw Errors.syntax();
}

const commandSubcommands: CommandDef[] = [
  cmd('count', 2, ['stale', 'loading'], 'server', 'Get total number of commands', (ctx) => ctx.server.commands.all().length),
  cmd('info', -2, ['stale', 'loading'], 'server', 'Get array of specific command details', (ctx, a) => {
    const names = a.slice(2).map((b) => b.toString('latin1'));
    if (names.length === 0) return ctx.server.commands.all().map((d) => commandEntry(d));
    return names.map((n) => {
      const d = ctx.server.commands.get(n);
      return d ? commandEntry(d) : null;
    });
  }),
  cmd('docs', -2, ['stale', 'loading'], 'server', 'Get array of specific command documentation', (ctx, a) => {
    const defs = a.length > 2 ? a.slice(2).map((b) => ctx.server.commands.get(b.toString('latin1'))) : ctx.server.commands.all();
    return new MapReply(defs.filter((d): d is CommandDef => d !== undefined).map((d) => [d.name, commandDocs(d)]));
  }),
  cmd('list', -2, ['stale', 'loading'], 'server', 'Get an array of Redis command names', commandList),
  cmd('getkeys', -4, ['stale', 'loading'], 'server', 'Extract keys given a full Redis command', (ctx, a) => {
    const argv = a.slice(2);
    const resolved = ctx.server.commands.resolve(argv);
    if (resolved instanceof CommandError) {
      // Redis tells a known command given the wrong number of arguments from an unknown one
      if (/wrong number of arguments/.test(resolved.message)) throw new CommandError('ERR Invalid number of arguments specified for command');
      throw new CommandError('ERR Invalid command specified');
    }
    const keys = commandKeys(resolved.def, argv);
    if (keys.length === 0) throw new CommandError('ERR The command has no key arguments');
    return keys;
  }),
];

const configSubcommands: CommandDef[] = [
  cmd('get', -3, ['admin', 'stale', 'loading'], 'server', 'Get the values of configuration parameters', (ctx, a) => {
    const seen = new Map<string, string>();
    for (const p of a.slice(2)) for (const [k, v] of configGet(ctx.server.config, p.toString('latin1'))) seen.set(k, v);
    return new MapReply([...seen.entries()]);
  }),
  cmd('set', -4, ['admin', 'stale'], 'server', 'Set configuration parameters (not supported: edit the config file)', () => {
    throw new CommandError('ERR CONFIG SET is not supported: change the config file and restart the node');
  }),
  cmd('resetstat', 2, ['admin', 'stale'], 'server', 'Reset the stats returned by INFO', (ctx) => {
    ctx.server.stats.commandsProcessed = 0;
    ctx.server.stats.siblingLimitExceeded = 0;
    ctx.server.stats.keyspaceHits = 0;
    ctx.server.stats.keyspaceMisses = 0;
    return new SimpleString('OK');
  }),
];

function time(ctx: CommandContext): Reply {
  const ms = ctx.server.clock.now();
  return [String(Math.floor(ms / 1000)), String((ms % 1000) * 1000)];
}

/**
 * MEMORY USAGE key [SAMPLES count]: the bytes one replica keeps for the key, its name and its
 * stored record (every sibling and the version metadata), as read with the read quorum; nil when
 * the key has no live value, as in Redis. SAMPLES is accepted and checked, and means nothing here.
 */
async function memoryUsage(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  if (args.length !== 3) {
    if (args.length !== 5 || !isOpt(args[3], 'samples')) throw Errors.syntax();
    if (parseInt64(args[4]) < 0) throw Errors.syntax(); // as Redis: a count that is not an integer is not-an-integer, a negative one a syntax error
  }
  const cur = await readCurrent(ctx, args[2]);
  return cur.sib ? args[2].length + encodeRecord(cur.record).length : null;
}

const memorySubcommands: CommandDef[] = [
  cmd('usage', -3, ['readonly'], 'server', 'Estimate the memory usage of a key', memoryUsage, { first: 2, last: 2, step: 1 }),
];

export const serverCommands: CommandDef[] = [
  { name: 'command', arity: -1, flags: ['stale', 'loading'], group: 'server', summary: 'Get array of command details', subcommands: commandSubcommands,
    handler: (ctx) => ctx.server.commands.all().map((d) => commandEntry(d)) },
  cmd('info', -1, ['stale', 'loading'], 'server', 'Get information and statistics about the server',
    async (ctx, a) => new VerbatimReply(await infoText(ctx, a.slice(1).map((b) => b.toString('latin1').toLowerCase())))),
  cmd('time', 1, ['fast', 'random', 'stale', 'loading'], 'server', 'Return the current server time', time),
  { name: 'config', arity: -2, flags: [], group: 'server', summary: 'A container for server configuration commands', subcommands: configSubcommands },
  { name: 'memory', arity: -2, flags: [], group: 'server', summary: 'A container for memory diagnostics commands', subcommands: memorySubcommands },
];
