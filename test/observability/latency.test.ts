import { expect } from 'chai';
import { CommandTable, type CommandDef } from '../../lib/resp/command-table';
import { CommandError } from '../../lib/resp/errors';
import { Dispatcher } from '../../lib/resp/dispatcher';
import type { ClientState, ServerContext } from '../../lib/resp/context';
import { ErrorReply, type Reply } from '../../lib/resp/reply';
import { infoText } from '../../lib/resp/commands/info';
import { LatencyTracker, isLoadFailure } from '../../lib/observability/latency';
import { InstantaneousMetrics } from '../../lib/observability/instantaneous';

const US = 1000;

/** a node with a handful of test commands whose durations are set on a hand-driven ns clock */
function rig() {
  let ns = 1e12;
  const tracker = new LatencyTracker(() => ns);
  let release: (() => void) | null = null;
  const defs: CommandDef[] = [
    { name: 'fast', arity: 1, flags: [], group: 't', summary: '', handler: () => { ns += 5 * US; return 'OK'; } },
    { name: 'slow', arity: 1, flags: [], group: 't', summary: '',
      handler: () => new Promise<Reply>((resolve) => { release = () => { ns += 3000 * US; resolve('OK'); }; }) },
    { name: 'stuck', arity: 1, flags: [], group: 't', summary: '',
      handler: () => { ns += 40_000 * US; throw Object.assign(new Error('2 of 3 replicas needed'), { code: 'NOQUORUM' }); } },
    { name: 'bad', arity: 1, flags: [], group: 't', summary: '', handler: () => { ns += 1 * US; throw new CommandError('ERR syntax error'); } },
    { name: 'config', arity: -2, flags: [], group: 't', summary: '', subcommands: [
      { name: 'resetstat', arity: 2, flags: [], group: 't', summary: '', handler: () => 'OK' },
    ] },
  ];
  const server = {
    clock: { now: () => 0, setTimer: () => () => {} },
    stats: { startedAt: 0, commandsProcessed: 0, connectionsReceived: 0, rejectedConnections: 0, siblingLimitExceeded: 0, keyspaceHits: 0, keyspaceMisses: 0 },
    commands: new CommandTable(defs),
    config: { port: 7000, maxclients: 10, fsync: 'no', maxSiblings: 16 },
    keyspace: { quorum: () => ({ n: 3, r: 2, w: 2 }) },
    clients: {
      list: () => [], get: () => undefined, kill: () => false,
      admission: () => ({ running: 0, limit: 0, waitingClients: 0, waitingCommands: 0, delayed: 0 }),
      netBytes: () => ({ input: 0, output: 0 }),
    },
    instantaneous: new InstantaneousMetrics(),
    nodeId: 'n1',
    version: '0.0.0',
    infoSections: () => [['latencystats', tracker.infoFields()]],
  } as unknown as ServerContext;
  const client = { authenticated: true, lastCommand: '', lastActive: 0 } as unknown as ClientState;
  const d = new Dispatcher(server, tracker);
  const run = (...argv: string[]) => d.run(client, argv.map((a) => Buffer.from(a)));
  return { tracker, run, server, client, release: () => release?.() };
}

describe('command latency tracking', () => {
  it('times a synchronous command from start to reply', () => {
    const { tracker, run } = rig();
    expect(run('fast')).to.equal('OK');
    expect(tracker.commandPercentile('fast', 50)).to.be.within(5000, 5050);
  });

  it('times an asynchronous command until its reply settled', async () => {
    const { tracker, run, release } = rig();
    const p = run('slow');
    expect(tracker.commandPercentile('slow', 50)).to.equal(undefined);
    release();
    expect(await p).to.equal('OK');
    expect(tracker.commandPercentile('slow', 99)! / 1e6).to.be.within(3, 3.03);
  });

  it('counts NOQUORUM-like errors as failures in the window, but not a client\'s syntax error', () => {
    const { tracker, run } = rig();
    expect(run('stuck')).to.be.instanceOf(ErrorReply);
    expect(run('bad')).to.be.instanceOf(ErrorReply);
    run('fast');
    const w = tracker.windowStats();
    expect(w.count).to.equal(3);
    expect(w.failures).to.equal(1);
    expect(w.p999 / 1e6).to.be.within(40, 40.4);
    expect(isLoadFailure(new ErrorReply('NOQUORUM 1 of 2'))).to.equal(true);
    expect(isLoadFailure(new ErrorReply('WRONGTYPE Operation'))).to.equal(false);
  });

  it('does not time unknown commands or ones refused for want of AUTH', () => {
    const { tracker, run, client } = rig();
    run('nosuch');
    client.authenticated = false;
    run('fast');
    expect(tracker.windowStats().count).to.equal(0);
    expect(tracker.infoFields()).to.deep.equal([]);
  });

  it('writes INFO latencystats in Redis 7 format, subcommands as config|resetstat', () => {
    const { tracker, run } = rig();
    run('fast');
    run('config', 'resetstat');
    const fields = new Map(tracker.infoFields());
    expect(fields.get('latency_percentiles_usec_config|resetstat')).to.equal('p50=0.000,p99=0.000,p99.9=0.000');
    run('fast');
    expect(new Map(tracker.infoFields([50, 99.99, 100, 0, 12.5])).get('latency_percentiles_usec_fast'))
      .to.equal('p50=5.023,p99.99=5.023,p100=5.023,p0=4.992,p12.5=5.023');
  });

  it('CONFIG RESETSTAT drops every command\'s figures', () => {
    const { tracker, run } = rig();
    run('fast');
    run('bad');
    run('config', 'resetstat');
    expect(tracker.infoFields().map(([k]) => k)).to.deep.equal(['latency_percentiles_usec_config|resetstat']);
  });

  it('INFO shows latencystats when named or with `all`, not by default', async () => {
    const { run, server, client } = rig();
    run('fast');
    const ctx = { server, client };
    expect(await infoText(ctx, [])).to.not.include('# Latencystats');
    expect(await infoText(ctx, ['default'])).to.not.include('# Latencystats');
    expect(await infoText(ctx, ['all'])).to.include('latency_percentiles_usec_fast:p50=5.023,p99=5.023,p99.9=5.023');
    const only = await infoText(ctx, ['latencystats']);
    expect(only).to.equal('# Latencystats\r\nlatency_percentiles_usec_fast:p50=5.023,p99=5.023,p99.9=5.023\r\n');
  });
});
