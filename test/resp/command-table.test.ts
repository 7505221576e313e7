import { expect } from 'chai';
import { CommandTable, cmd, type CommandDef, type ResolvedCommand } from '../../lib/resp/command-table';
import { CommandError } from '../../lib/resp/errors';
import { SimpleString } from '../../lib/resp/reply';
import { buildCommandTable } from '../../lib/resp/commands';
import type { CommandContext } from '../../lib/resp/context';

const argv = (...a: string[]) => a.map((s) => Buffer.from(s));
const noop = () => 'x';
const ctx = {} as CommandContext;

describe('resp/CommandTable: HELP of container commands', () => {
  const container: CommandDef = {
    name: 'thing', arity: -2, flags: [], group: 'server', summary: 'A container',
    subcommands: [cmd('get', 3, [], 'server', 'Get a thing', noop), cmd('count', 2, [], 'server', 'Count the things', noop)],
  };

  it('derives <NAME> HELP from the subcommands, as Redis prints it, when the container has none', async () => {
    const r = new CommandTable([container]).resolve(argv('THING', 'help'));
    expect(r).to.not.be.instanceOf(CommandError);
    const lines = (await (r as ResolvedCommand).handler(ctx, argv('thing', 'help'))) as SimpleString[];
    expect(lines.map((l) => l.value)).to.deep.equal([
      'THING <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
      'GET', '    Get a thing.',
      'COUNT', '    Count the things.',
      'HELP', '    Print this help.',
    ]);
    expect(new CommandTable([container]).resolve(argv('thing', 'help', 'extra'))).to.be.instanceOf(CommandError);
  });

  it("keeps a container's own HELP", async () => {
    const own = cmd('help', 2, [], 'server', 'Help', () => [new SimpleString('mine')]);
    const r = new CommandTable([{ ...container, subcommands: [...container.subcommands!, own] }]).resolve(argv('thing', 'help'));
    expect(await (r as ResolvedCommand).handler(ctx, argv('thing', 'help'))).to.deep.equal([new SimpleString('mine')]);
  });

  it('every container the unknown-subcommand error sends to "Try X HELP" answers X HELP', () => {
    const table = buildCommandTable();
    for (const def of table.all().filter((d) => d.subcommands !== undefined)) {
      const unknown = table.resolve(argv(def.name, 'no-such-sub'));
      expect(unknown, def.name).to.be.instanceOf(CommandError);
      expect((unknown as CommandError).message).to.contain(`Try ${def.name.toUpperCase()} HELP.`);
      expect(table.resolve(argv(def.name, 'help')), def.name).to.not.be.instanceOf(CommandError);
    }
  });
});

describe('resp/CommandTable: writes that read nothing first (no key lock)', () => {
  it('marks SET without NX, XX, GET or KEEPTTL and VSET, and no other write, as blind writes', () => {
    const table = buildCommandTable();
    const blind = (...a: string[]) => {
      const r = table.resolve(argv(...a)) as ResolvedCommand;
      return r.def.blindWrite?.(argv(...a)) === true;
    };
    expect(blind('SET', 'k', 'v')).to.equal(true);
    expect(blind('VSET', 'k', '', 'v')).to.equal(true);
    expect(blind('SET', 'k', 'v', 'EX', '10')).to.equal(true);
    expect(blind('SET', 'k', 'v', 'pxat', '10')).to.equal(true);
    for (const a of [['SET', 'k', 'v', 'NX'], ['SET', 'k', 'v', 'EX', '10', 'get'], ['SET', 'k', 'v', 'KeepTTL'], ['APPEND', 'k', 'v'], ['INCR', 'k'], ['DEL', 'k'], ['GETSET', 'k', 'v']]) {
      expect(blind(...a), a.join(' ')).to.equal(false);
    }
    expect(table.all().filter((d) => d.blindWrite !== undefined).map((d) => d.name).sort()).to.deep.equal(['set', 'vset']);
  });

  it('runs the one-key commands that read and then write on the key\'s first replica, and no others', () => {
    const table = buildCommandTable();
    const there = (...a: string[]) => (table.resolve(argv(...a)) as ResolvedCommand).def.atPrimary?.(argv(...a)) === true;
    expect(table.all().filter((d) => d.atPrimary !== undefined).map((d) => d.name).sort()).to.deep.equal([
      'append', 'expire', 'expireat', 'getdel', 'getex', 'getset', 'incrbyfloat', 'persist', 'pexpire', 'pexpireat', 'set', 'setnx', 'setrange',
    ]);
    expect(there('SET', 'k', 'v', 'NX')).to.equal(true);
    expect(there('SET', 'k', 'v', 'px', '5', 'GET')).to.equal(true);
    expect(there('SET', 'k', 'v')).to.equal(false);
    expect(there('SET', 'k', 'v', 'EX', '10')).to.equal(false);
    expect(there('APPEND', 'k', 'v')).to.equal(true);
  });
});
