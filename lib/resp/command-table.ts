/**
 * The one declarative command table: name, arity, flags, key positions, handler. Arity errors,
 * unknown commands and unknown subcommands are decided here and nowhere else. COMMAND INFO/DOCS
 * are generated from the same entries.
 */
import { SimpleString, type Reply } from './reply';
import type { CommandContext } from './context';
import { CommandError, Errors, unknownCommand } from './errors';

export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'fast'
  | 'admin'
  | 'noauth'
  | 'loading'
  | 'stale'
  | 'denyoom'
  | 'random'
  | 'no_multi';

export interface KeySpec {
  /** position of the first key in argv, the last (negative counts from the end), and the step */
  readonly first: number;
  readonly last: number;
  readonly step: number;
}

export type Handler = (ctx: CommandContext, args: Buffer[]) => Reply | Promise<Reply>;

export interface CommandDef {
  readonly name: string;
  /** Redis convention: N = exactly N args (with the name), -N = at least N */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  readonly group: string;
  readonly summary: string;
  readonly keys?: KeySpec;
  readonly handler?: Handler;
  readonly subcommands?: readonly CommandDef[];
  /**
   * A write that does not read the key first, with these arguments: it takes no key lock, as
   * commands flagged readonly do not (Dispatcher)
   */
  readonly blindWrite?: (args: readonly Buffer[]) => boolean;
  /**
   * A one-key command that reads the key and then writes it: in a cluster it runs on the key's
   * first healthy replica (forwarding.ts), so it does not interleave with itself through another node
   */
  readonly atPrimary?: (args: readonly Buffer[]) => boolean;
}

/** `atPrimary` for a command that always reads the key first */
export const ALWAYS = (): boolean => true;

export interface ResolvedCommand {
  readonly def: CommandDef;
  /** 'get' or 'client|setname' */
  readonly fullName: string;
  readonly handler: Handler;
}

export class CommandTable {
  private readonly byName = new Map<string, CommandDef>();

  constructor(defs: readonly CommandDef[]) {
    for (const d of defs) {
      if (this.byName.has(d.name)) throw new Error(`duplicate command ${d.name}`);
      this.byName.set(d.name, withHelp(d));
    }
  }

  all(): CommandDef[] {
    return [...this.byName.values()];
  }

  get(name: string): CommandDef | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** the command and subcommand for argv, or the error Redis would answer */
  resolve(args: readonly Buffer[]): ResolvedCommand | CommandError {
    const def = this.byName.get(args[0].toString('latin1').toLowerCase());
    if (!def) return unknownCommand(args);
    if (!arityOk(def.arity, args.length)) return Errors.wrongArgs(def.name);
    if (!def.subcommands || (args.length === 1 && def.handler)) return { def, fullName: def.name, handler: def.handler! };
    const subName = args[1].toString('latin1').toLowerCase();
    const sub = def.subcommands.find((s) => s.name === subName);
    if (!sub) return Errors.unknownSubcommand(args[1].toString('latin1'), def.name);
    const fullName = `${def.name}|${sub.name}`;
    if (!arityOk(sub.arity, args.length)) return Errors.wrongArgs(fullName);
    return { def: sub, fullName, handler: sub.handler! };
  }
}

/**
 * A container command gets `<NAME> HELP` from its subcommands' summaries when it has none of its
 * own, in Redis's form: the usage line, each subcommand with its summary indented below, HELP last.
 */
function withHelp(def: CommandDef): CommandDef {
  const subs = def.subcommands;
  if (subs === undefined || subs.some((s) => s.name === 'help')) return def;
  const name = def.name.toUpperCase();
  const lines = [`${name} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`];
  for (const s of subs) lines.push(s.name.toUpperCase(), `    ${s.summary}.`);
  lines.push('HELP', '    Print this help.');
  const help = cmd('help', 2, ['loading', 'stale'], def.group, 'Show helpful text about the different subcommands',
    () => lines.map((l) => new SimpleString(l)));
  return { ...def, subcommands: [...subs, help] };
}

function arityOk(arity: number, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity;
}

/** the keys of argv according to a key spec (empty for keyless commands) */
export function commandKeys(def: CommandDef, args: readonly Buffer[]): Buffer[] {
  const k = def.keys;
  if (!k) return [];
  const last = k.last < 0 ? args.length + k.last : k.last;
  const out: Buffer[] = [];
  for (let i = k.first; i <= last && i < args.length; i += k.step) out.push(args[i]);
  return out;
}

/** helper for declaring commands compactly */
export function cmd(
  name: string,
  arity: number,
  flags: CommandFlag[],
  group: string,
  summary: string,
  handler: Handler,
  keys?: KeySpec,
): CommandDef {
  return { name, arity, flags, group, summary, handler, keys };
}

export const ONE_KEY: KeySpec = { first: 1, last: 1, step: 1 };
export const ALL_KEYS: KeySpec = { first: 1, last: -1, step: 1 };
export const KEY_VALUE_PAIRS: KeySpec = { first: 1, last: -1, step: 2 };
