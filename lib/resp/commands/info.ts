/** INFO text: Redis's "# Section" / "field:value" format, our own fields where we differ. */
import os from 'node:os';
import type { CommandContext, ServerContext } from '../context';

type Section = [string, Array<[string, string | number]>];

/** sections INFO shows only when asked for by name or with `all`/`everything`, as in Redis */
const NOT_DEFAULT = new Set(['latencystats', 'commandstats']);

function builtin(s: ServerContext): Section[] {
  const now = s.clock.now();
  const mem = process.memoryUsage();
  const q = s.keyspace.quorum();
  const cpu = process.cpuUsage();
  const adm = s.clients.admission();
  const net = s.clients.netBytes();
  const [opsPerSec, inputKbps, outputKbps] = s.instantaneous.infoFields();
  return [
    ['server', [
      ['redis_version', '7.0.0'],
      ['quorumkv_version', s.version],
      ['redis_mode', 'cluster'],
      ['os', `${os.type()} ${os.release()} ${os.arch()}`],
      ['arch_bits', 64],
      ['process_id', process.pid],
      ['run_id', s.nodeId],
      ['node_id', s.nodeId],
      ['tcp_port', s.config.port],
      ['uptime_in_seconds', Math.floor((now - s.stats.startedAt) / 1000)],
      ['uptime_in_days', Math.floor((now - s.stats.startedAt) / 86400000)],
      ['executable', process.argv[1] ?? ''],
    ]],
    ['clients', [
      ['connected_clients', s.clients.list().length],
      ['maxclients', s.config.maxclients],
      ['blocked_clients', 0],
      ['running_commands', adm.running],
      ['max_running_commands', adm.limit],
      ['waiting_clients', adm.waitingClients],
      ['waiting_commands', adm.waitingCommands],
    ]],
    ['memory', [
      // the V8 heap and the Buffers outside it (client replies waiting to be written, frames):
      // what this process allocated through Node; LevelDB's own memory shows in used_memory_rss
      ['used_memory', mem.heapUsed + mem.external],
      ['used_memory_human', humanBytes(mem.heapUsed + mem.external)],
      ['used_memory_rss', mem.rss],
      ['used_memory_rss_human', humanBytes(mem.rss)],
      ['used_memory_peak', mem.heapTotal],
      ['used_memory_heap', mem.heapUsed],
      ['used_memory_external', mem.external],
      ['maxmemory', 0],
      ['maxmemory_policy', 'noeviction'],
    ]],
    ['persistence', [
      ['loading', 0],
      ['async_loading', 0],
      ['fsync', s.config.fsync],
      ['rdb_bgsave_in_progress', 0],
      ['aof_enabled', 0],
      ['aof_rewrite_in_progress', 0],
    ]],
    ['stats', [
      ['total_connections_received', s.stats.connectionsReceived],
      ['total_commands_processed', s.stats.commandsProcessed],
      opsPerSec,
      ['total_net_input_bytes', net.input],
      ['total_net_output_bytes', net.output],
      inputKbps,
      outputKbps,
      ['rejected_connections', s.stats.rejectedConnections],
      ['total_delayed_commands', adm.delayed],
      ['keyspace_hits', s.stats.keyspaceHits],
      ['keyspace_misses', s.stats.keyspaceMisses],
      ['sibling_limit_exceeded', s.stats.siblingLimitExceeded],
    ]],
    ['replication', [
      ['role', 'master'],
      ['connected_slaves', 0],
    ]],
    ['cpu', [
      ['used_cpu_sys', (cpu.system / 1e6).toFixed(6)],
      ['used_cpu_user', (cpu.user / 1e6).toFixed(6)],
    ]],
    ['quorum', [
      ['replicas', q.n],
      ['read_quorum', q.r],
      ['write_quorum', q.w],
      ['max_siblings', s.config.maxSiblings],
    ]],
  ];
}

/** every section INFO can show except keyspace (which walks the keyspace), in INFO's order */
export function infoSections(server: ServerContext): Section[] {
  return [...builtin(server), ...server.infoSections()];
}

export async function infoText(ctx: CommandContext, wanted: string[]): Promise<string> {
  const sections = infoSections(ctx.server);
  const every = wanted.includes('all') || wanted.includes('everything');
  const all = every || wanted.length === 0 || wanted.includes('default');
  if (wanted.includes('keyspace')) {
    // counting keys walks the whole keyspace, so it is only done when asked for by name
    let n = 0;
    let expires = 0;
    let ttlMs = 0;
    let cursor = 0;
    do {
      const page = await ctx.server.keyspace.scan(cursor, 1000, ctx.server.clock.now());
      n += page.keys.length;
      expires += page.expires ?? 0;
      ttlMs += page.ttlMs ?? 0;
      cursor = page.next;
    } while (cursor !== 0);
    // avg_ttl: Redis estimates it from samples; here it is the mean remaining ms of the keys with one
    const avg = expires > 0 ? Math.round(ttlMs / expires) : 0;
    sections.push(['keyspace', n > 0 ? [['db0', `keys=${n},expires=${expires},avg_ttl=${avg}`]] : []]);
  }
  const out: string[] = [];
  for (const [name, fields] of sections) {
    const named = wanted.includes(name);
    if (!named && !(all && (every || !NOT_DEFAULT.has(name)))) continue;
    out.push(`# ${name[0].toUpperCase()}${name.slice(1)}`);
    for (const [k, v] of fields) out.push(`${k}:${v}`);
    out.push('');
  }
  return out.join('\r\n');
}

/** Redis's *_human form: 1.23M, 512.00K, 900B */
function humanBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)}G`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(2)}M`;
  if (n >= 1024) return `${(n / 1024).toFixed(2)}K`;
  return `${n}B`;
}
