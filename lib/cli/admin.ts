/**
 * `quorumkv`, the admin CLI. It speaks RESP to a node:
 *   quorumkv members [host:port]      every member: id, address, zone, weight, status, health,
 *                                     ring share, pending hints and transfer jobs (INFO of each)
 *   quorumkv ring [host:port]         the ring checksum, each member's share and the slot ranges
 *   quorumkv leave host:port          CLUSTER LEAVE on that node (it hands over, leaves and exits)
 *   quorumkv forget host:port node-id CLUSTER FORGET on that node
 * Exit status: 0 done, 1 the node refused or could not be reached, 2 usage.
 */
import { command, RespErrorReply, type RespValue } from './resp-client';

const DEFAULT_ADDRESS = '127.0.0.1:6380';

interface Output {
  out(line: string): void;
  err(line: string): void;
}

export class AdminError extends Error {
  readonly code = 'ADMIN_REFUSED';
}

const USAGE = [
  'Usage: quorumkv members [host:port]',
  '       quorumkv ring [host:port]',
  '       quorumkv leave host:port',
  '       quorumkv forget host:port node-id',
].join('\n');

async function call(address: string, args: readonly string[]): Promise<RespValue> {
  const v = await command(address, args);
  if (v instanceof RespErrorReply) throw new AdminError(`${address}: ${v.message}`);
  return v;
}

/** CLUSTER MEMBERS in RESP2: one flat [field, value, ...] list per member */
async function members(address: string): Promise<Array<Record<string, string>>> {
  const v = await call(address, ['CLUSTER', 'MEMBERS']);
  if (!Array.isArray(v)) throw new AdminError(`${address}: unexpected CLUSTER MEMBERS reply`);
  return v.map((m) => {
    const rec: Record<string, string> = {};
    const list = Array.isArray(m) ? m : [];
    for (let i = 0; i + 1 < list.length; i += 2) rec[String(list[i])] = String(list[i + 1]);
    return rec;
  });
}

/** `field:value` lines of an INFO reply */
export function infoFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out.set(line.slice(0, i), line.slice(i + 1));
  }
  return out;
}

async function nodeInfo(address: string): Promise<Map<string, string> | null> {
  try {
    const v = await command(address, ['INFO', 'everything'], 1500);
    return typeof v === 'string' ? infoFields(v) : null;
  } catch {
    return null;
  }
}

export function table(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
}

async function showMembers(address: string, io: Output): Promise<void> {
  const list = await members(address);
  const infos = await Promise.all(list.map((m) => (m.status === 'removed' ? null : nodeInfo(`${m.ip}:${m.port}`))));
  const rows = [['ID', 'ADDRESS', 'ZONE', 'WEIGHT', 'STATUS', 'HEALTH', 'PRIMARY%', 'REPLICA%', 'HINTS', 'TRANSFERS']];
  list.forEach((m, i) => {
    const info = infos[i];
    rows.push([m.id ?? '?', `${m.ip}:${m.port}`, m.zone ?? '', m.weight ?? '', m.status ?? '', m.health ?? '',
      m['primary-share'] ?? '', m['replica-share'] ?? '',
      info?.get('hints_pending') ?? '-', info?.get('transfer_jobs_pending') ?? '-']);
  });
  for (const line of table(rows)) io.out(line);
}

async function showRing(address: string, io: Output): Promise<void> {
  const info = infoFields(String(await call(address, ['INFO', 'cluster'])));
  io.out(`ring checksum: ${info.get('ring_checksum') ?? '?'}`);
  const onRing = (await members(address)).filter((m) => m.status === 'normal' || m.status === 'leaving');
  for (const line of table([['ID', 'STATUS', 'PRIMARY%', 'REPLICA%'], ...onRing.map((m) => [m.id ?? '?', m.status ?? '', m['primary-share'] ?? '', m['replica-share'] ?? ''])])) io.out(line);
  const slots = await call(address, ['CLUSTER', 'SLOTS']);
  io.out('');
  io.out('slot ranges (first healthy node first):');
  for (const r of Array.isArray(slots) ? slots : []) {
    if (!Array.isArray(r)) continue;
    const nodes = r.slice(2).map((n) => (Array.isArray(n) ? String(n[2]) : '?'));
    io.out(`${r[0]}-${r[1]} ${nodes.join(' ')}`);
  }
}

/** runs one CLI invocation; resolves with the exit status */
export async function run(argv: readonly string[], io: Output): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'members':
        if (rest.length > 1) break;
        await showMembers(rest[0] ?? DEFAULT_ADDRESS, io);
        return 0;
      case 'ring':
        if (rest.length > 1) break;
        await showRing(rest[0] ?? DEFAULT_ADDRESS, io);
        return 0;
      case 'leave':
        if (rest.length !== 1) break;
        io.out(String(await call(rest[0]!, ['CLUSTER', 'LEAVE'])));
        return 0;
      case 'forget':
        if (rest.length !== 2) break;
        io.out(String(await call(rest[0]!, ['CLUSTER', 'FORGET', rest[1]!])));
        return 0;
      case '--help':
      case '-h':
        io.out(USAGE);
        return 0;
    }
  } catch (err) {
    io.err(`quorumkv: ${(err as Error).message}`);
    return 1;
  }
  io.err(USAGE);
  return 2;
}

export function main(argv: string[]): void {
  const io: Output = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') };
  run(argv, io).then((code) => process.exit(code), (err: unknown) => {
    io.err(`quorumkv: ${(err as Error).message}`);
    process.exit(1);
  });
}
