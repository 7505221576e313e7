/**
 * Cluster commands for membership-aware clients: CLUSTER SLOTS SHARDS NODES INFO KEYSLOT MYID
 * COUNTKEYSINSLOT HELP, READONLY, READWRITE — in Redis 7.0's reply formats.
 *
 * How our ring maps onto Redis Cluster's model:
 * - Slots are Redis's (CRC16 of the key or its {hash tag} mod 16384). The ring gives every slot a
 *   preference list; contiguous slots with the same list form one range (slotRanges, ≤ 1024).
 * - A range's "master" is the first healthy node of its list (as this node's failure detector
 *   sees it), its "replicas" the next healthy ones up to N. A client that sends each key to the
 *   range's master reaches a node that coordinates the key without the forwarding hop.
 * - Every node is master of the ranges it is first for and replica of others, which Redis cannot
 *   express per node. So CLUSTER NODES shows every node as `master` owning the ranges it is first
 *   for (what redis-benchmark --cluster and NODES-based clients route by), while CLUSTER SLOTS
 *   and CLUSTER SHARDS list each range's replicas too (what ioredis and SLOTS-based clients read).
 *   A shard is a set of ranges with the same node list; a node first for no range (e.g. one that
 *   is down) is shown as a master of an empty shard, as Redis shows a master without slots.
 * - Any node coordinates any key, so there is no MOVED/ASK; READONLY/READWRITE only set a flag.
 * - Values Redis has and we do not: node ids are our node-ids (not 40 hex digits); a node's
 *   config-epoch is its membership generation (its start time in ms, unique and rising with every
 *   restart), current_epoch the highest one known; ping-sent/pong-recv are 0 (not tracked);
 *   `fail?` marks a node this node's failure detector holds down (there is no cluster-wide `fail`
 *   vote); SHARDS omits replication-offset (there is no replication stream); CLUSTER INFO omits
 *   the cluster bus message counters.
 * - COUNTKEYSINSLOT counts the visible keys of the slot across the cluster (a scan), not one
 *   node's copy.
 */
import { cmd, type CommandDef } from '../command-table';
import type { ClusterContext, CommandContext } from '../context';
import { MapReply, OK, SimpleString, VerbatimReply, type Reply } from '../reply';
import { CommandError } from '../errors';
import { parseI64 } from '../args';
import { keySlot, ownedSlots, slotRanges, SLOT_COUNT, type SlotRange } from '../../ring';
import type { MemberInfo } from '../../membership/view';

/** what every CLUSTER reply is computed from: one consistent snapshot */
interface Topology {
  /** members on the ring (normal and leaving), sorted by id */
  readonly nodes: readonly MemberInfo[];
  readonly byId: ReadonlyMap<string, MemberInfo>;
  /** every slot once, each with its first healthy nodes (master first) */
  readonly ranges: readonly SlotRange[];
  readonly up: (id: string) => boolean;
}

function topology(cluster: ClusterContext): Topology {
  // a joining node serves nothing until it has its data: only CLUSTER MEMBERS shows it
  const nodes = cluster.members().filter((m) => m.status === 'normal' || m.status === 'leaving').sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byId = new Map(nodes.map((m) => [m.id, m]));
  const up = (id: string) => id === cluster.myId || cluster.isUp(id);
  const ring = cluster.ring();
  const ranges = ring.members.length === 0 ? [] : slotRanges(ring, cluster.replicas(), up);
  return { nodes, byId, ranges, up };
}

/** `start-end` items for the ranges a node is master of, neighbours merged */
function masterSlots(t: Topology, id: string): string[] {
  const merged: Array<[number, number]> = [];
  for (const r of t.ranges) {
    if (r.nodes[0] !== id) continue;
    const last = merged[merged.length - 1];
    if (last && last[1] + 1 === r.start) last[1] = r.end;
    else merged.push([r.start, r.end]);
  }
  return merged.map(([s, e]) => (s === e ? String(s) : `${s}-${e}`));
}

function clusterPort(m: MemberInfo): string {
  return m.address.slice(m.address.lastIndexOf(':') + 1);
}

function clusterSlots(ctx: CommandContext): Reply {
  const t = topology(ctx.server.cluster);
  return t.ranges.map((r) => [
    r.start,
    r.end,
    ...r.nodes.flatMap((id) => {
      const m = t.byId.get(id);
      return m ? [[m.respHost, m.respPort, m.id, []]] : [];
    }),
  ]);
}

function nodesLine(t: Topology, m: MemberInfo, myId: string): string {
  const up = t.up(m.id);
  const flags = [...(m.id === myId ? ['myself'] : []), 'master', ...(up ? [] : ['fail?'])].join(',');
  const fields = [m.id, `${m.respHost}:${m.respPort}@${clusterPort(m)}`, flags, '-', '0', '0', String(m.generation),
    up ? 'connected' : 'disconnected', ...masterSlots(t, m.id)];
  return fields.join(' ') + '\n';
}

function clusterNodes(ctx: CommandContext): Reply {
  const { cluster } = ctx.server;
  const t = topology(cluster);
  return new VerbatimReply(t.nodes.map((m) => nodesLine(t, m, cluster.myId)).join(''));
}

function shardNode(t: Topology, m: MemberInfo, role: 'master' | 'replica'): MapReply {
  return new MapReply([
    ['id', m.id],
    ['port', m.respPort],
    ['ip', m.respHost],
    ['endpoint', m.respHost],
    ['role', role],
    ['health', t.up(m.id) ? 'online' : 'failed'],
  ]);
}

function clusterShards(ctx: CommandContext): Reply {
  const t = topology(ctx.server.cluster);
  const shards = new Map<string, { slots: number[]; ids: readonly string[] }>();
  for (const r of t.ranges) {
    const key = r.nodes.join('\0');
    const s = shards.get(key) ?? { slots: [], ids: r.nodes };
    const last = s.slots.length;
    if (last > 0 && s.slots[last - 1] + 1 === r.start) s.slots[last - 1] = r.end;
    else s.slots.push(r.start, r.end);
    shards.set(key, s);
  }
  const listed = new Set(t.ranges.flatMap((r) => r.nodes));
  for (const m of t.nodes) if (!listed.has(m.id)) shards.set(m.id, { slots: [], ids: [m.id] });
  return [...shards.values()].map((s) => new MapReply([
    ['slots', s.slots],
    ['nodes', s.ids.flatMap((id, i) => {
      const m = t.byId.get(id);
      return m ? [shardNode(t, m, i === 0 ? 'master' : 'replica')] : [];
    })],
  ]));
}

function clusterInfo(ctx: CommandContext): Reply {
  const { cluster, keyspace } = ctx.server;
  const t = topology(cluster);
  const reachable = t.nodes.filter((m) => t.up(m.id)).length;
  const { r, w } = keyspace.quorum();
  // slots whose natural first owner (health ignored) is held down are served by a stand-in
  const ring = cluster.ring();
  const natural = ring.members.length === 0 ? [] : slotRanges(ring, 1);
  let pfail = 0;
  for (const range of natural) if (!t.up(range.nodes[0])) pfail += range.end - range.start + 1;
  const assigned = t.ranges.reduce((sum, range) => sum + range.end - range.start + 1, 0);
  const masters = new Set(t.ranges.map((range) => range.nodes[0]));
  const me = t.byId.get(cluster.myId);
  const lines: Array<[string, string | number]> = [
    ['cluster_state', assigned === SLOT_COUNT && reachable >= Math.min(r, w) ? 'ok' : 'fail'],
    ['cluster_slots_assigned', assigned],
    ['cluster_slots_ok', assigned - pfail],
    ['cluster_slots_pfail', pfail],
    ['cluster_slots_fail', 0],
    ['cluster_known_nodes', t.nodes.length],
    ['cluster_size', masters.size],
    ['cluster_current_epoch', Math.max(0, ...t.nodes.map((m) => m.generation))],
    ['cluster_my_epoch', me?.generation ?? 0],
  ];
  return new VerbatimReply(lines.map(([k, v]) => `${k}:${v}\r\n`).join(''));
}

async function countKeysInSlot(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  const slot = parseI64(args[2]);
  if (slot < 0n || slot >= BigInt(SLOT_COUNT)) throw new CommandError('ERR Invalid slot');
  const s = Number(slot);
  // a scan from `s` reads whole slots, slot s first and in full; keys past it are not counted
  const page = await ctx.server.keyspace.scan(s, 1, ctx.server.clock.now());
  return page.keys.reduce((n, k) => (keySlot(k) === s ? n + 1 : n), 0);
}

/**
 * Membership operations a node offers CLUSTER LEAVE / FORGET (the node's OwnershipTransfer).
 * They throw errors with a `code` (MEMBER_SELF, MEMBER_UNKNOWN, MEMBER_BAD_STATE, MEMBER_LAST).
 */
export interface MembershipAdmin {
  leave(): void;
  forget(id: string): void | Promise<void>;
}

const admins = new WeakMap<ClusterContext, MembershipAdmin>();

/** gives a node's ClusterContext its membership operations (the node wires this once) */
export function setMembershipAdmin(cluster: ClusterContext, admin: MembershipAdmin): void {
  admins.set(cluster, admin);
}

function adminOf(ctx: CommandContext): MembershipAdmin {
  const admin = admins.get(ctx.server.cluster);
  if (admin === undefined) throw new CommandError('ERR membership changes are not available on this node');
  return admin;
}

/** a membership error as a Redis-like reply */
function asCommandError(err: unknown): never {
  const e = err as { code?: string; message: string };
  if (typeof e.code === 'string' && e.code.startsWith('MEMBER_')) throw new CommandError(`ERR ${e.message}`);
  throw err;
}

function clusterLeave(ctx: CommandContext): Reply {
  try {
    adminOf(ctx).leave();
  } catch (err) {
    asCommandError(err);
  }
  return OK;
}

async function clusterForget(ctx: CommandContext, args: Buffer[]): Promise<Reply> {
  try {
    await adminOf(ctx).forget(args[2].toString());
  } catch (err) {
    asCommandError(err);
  }
  return OK;
}

const pct = (x: number) => (100 * x).toFixed(1);

/**
 * CLUSTER MEMBERS (ours, not Redis's): every known member, removed ones included, one map each:
 * id, ip, port, cluster-address, zone, weight, status, health (online / failed / gone),
 * generation, version, primary-share (% of slots it is first for) and replica-share (% of slots
 * it holds among the first N), as this node sees them.
 */
function clusterMembers(ctx: CommandContext): Reply {
  const { cluster } = ctx.server;
  const ring = cluster.ring();
  const n = cluster.replicas();
  const quota = new Map(ring.members.map((m) => [m.id, m.quota / ring.partitionCount]));
  return cluster.members()
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((m) => new MapReply([
      ['id', m.id],
      ['ip', m.respHost],
      ['port', m.respPort],
      ['cluster-address', m.address],
      ['zone', m.zone],
      ['weight', String(m.weight)],
      ['status', m.status],
      ['health', m.status === 'removed' ? 'gone' : m.id === cluster.myId || cluster.isUp(m.id) ? 'online' : 'failed'],
      ['generation', m.generation],
      ['version', m.version],
      ['primary-share', pct(quota.get(m.id) ?? 0)],
      ['replica-share', pct(quota.has(m.id) ? ownedSlots(ring, m.id, n).length / SLOT_COUNT : 0)],
    ]));
}

const HELP: readonly string[] = [
  'CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'COUNTKEYSINSLOT <slot>',
  '    Return the number of keys in <slot>.',
  'FORGET <node-id>',
  '    Mark a node that is gone for good as removed; its data is re-replicated from the other replicas.',
  'INFO',
  '    Return information about the cluster.',
  'LEAVE',
  '    Hand this node\'s data to its new owners, leave the ring and exit (replies at once).',
  'MEMBERS',
  '    Return every member with its zone, weight, status, health and ring share.',
  'KEYSLOT <key>',
  '    Return the hash slot for <key>.',
  'MYID',
  '    Return the node id.',
  'NODES',
  '    Return cluster configuration seen by node. Output format:',
  '    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...',
  'SLOTS',
  '    Return information about slots range mappings. Each range is made of:',
  '    start, end, master and replicas IP addresses, ports and ids',
  'SHARDS',
  '    Return information about slot range mappings and the nodes associated with them.',
  'HELP',
  '    Prints this help.',
];

/** CLUSTER's subcommands; other families (membership operations) may add theirs to this list */
export const clusterSubcommands: CommandDef[] = [
  cmd('slots', 2, ['loading', 'stale'], 'cluster', 'Get array of cluster slot to node mappings', clusterSlots),
  cmd('shards', 2, ['loading', 'stale'], 'cluster', 'Get array of cluster slots to node mappings', clusterShards),
  cmd('nodes', 2, ['loading', 'stale'], 'cluster', 'Get cluster config for the node', clusterNodes),
  cmd('info', 2, ['loading', 'stale'], 'cluster', 'Provides info about Redis Cluster node state', clusterInfo),
  cmd('keyslot', 3, ['stale'], 'cluster', 'Returns the hash slot of the specified key', (_c, a) => keySlot(a[2])),
  cmd('myid', 2, ['loading', 'stale'], 'cluster', 'Return the node id', (ctx) => ctx.server.cluster.myId),
  cmd('countkeysinslot', 3, ['stale'], 'cluster', 'Return the number of keys in the specified hash slot', countKeysInSlot),
  cmd('leave', 2, [], 'cluster', 'Hand this node\'s data over, leave the cluster and exit', clusterLeave),
  cmd('forget', 3, [], 'cluster', 'Remove a node that is gone for good from the cluster', clusterForget),
  cmd('members', 2, ['loading', 'stale'], 'cluster', 'Get every member with its status, health and ring share', clusterMembers),
  cmd('help', 2, ['loading', 'stale'], 'cluster', 'Show helpful text about the different subcommands',
    () => HELP.map((l) => new SimpleString(l))),
];

export const clusterCommands: CommandDef[] = [
  { name: 'cluster', arity: -2, flags: [], group: 'cluster', summary: 'A container for cluster commands', subcommands: clusterSubcommands },
  cmd('readonly', 1, ['fast', 'loading', 'stale'], 'cluster', 'Enables read queries for a connection to a cluster replica node', (ctx) => {
    ctx.client.readonly = true;
    return OK;
  }),
  cmd('readwrite', 1, ['fast', 'loading', 'stale'], 'cluster', 'Disables read queries for a connection to a cluster replica node', (ctx) => {
    ctx.client.readonly = false;
    return OK;
  }),
];
