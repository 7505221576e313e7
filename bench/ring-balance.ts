/**
 * Ring balance and movement figures: `npx tsx bench/ring-balance.ts`.
 * Prints, for the partitioned ring (Q partitions of contiguous slots, HRW + quota pass):
 * balance of partitions per node per replica rank, the weight-2 ratio, join / leave movement
 * against the ideal 1/(n+1) (and how much of it goes between old nodes), slot-range counts at
 * 3, 10 and 100 nodes, and build time; plus the same balance/movement figures for Q = 2048.
 */
import { murmur3 } from '../lib/ring/hash';
import { SLOT_COUNT } from '../lib/ring/key-slot';
import { PARTITION_COUNT } from '../lib/ring/partitions';
import { placePartitions } from '../lib/ring/placement';
import { buildRing, type Member, type Ring } from '../lib/ring/ring';
import { slotRanges } from '../lib/ring/slot-ranges';

const out = (line: string): void => void process.stdout.write(line + '\n');
const V = 64;
const members = (count: number, prefix = 'node', zones = 3): Member[] =>
  Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, zone: `zone-${i % zones}`, weight: 1 }));

/** table[p × take + rank] for Q partitions, by the ring's own placement code. */
function place(ms: Member[], q: number, take: number): { table: Int32Array; ids: string[] } {
  if (q === PARTITION_COUNT) {
    const ring: Ring = buildRing(ms, { vnodesPerWeight: V, tableN: take });
    return { table: ring.table, ids: ring.members.map((m) => m.id) };
  }
  const sorted = [...ms].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const zones = [...new Set(sorted.map((m) => m.zone))].sort();
  const inputs = {
    zoneOf: Int32Array.from(sorted, (m) => zones.indexOf(m.zone)),
    zoneCount: zones.length,
    seedA: Uint32Array.from(sorted, (m) => murmur3(m.id, 0x9747b28c)),
    seedB: Uint32Array.from(sorted, (m) => murmur3(m.id, 0x3c6ef372)),
    vnodes: Float64Array.from(sorted, (m) => Math.max(1, Math.round(m.weight * V))),
  };
  return { table: placePartitions(inputs, q, take), ids: sorted.map((m) => m.id) };
}

function rankCounts(p: { table: Int32Array; ids: string[] }, q: number, rank: number): Map<string, number> {
  const c = new Map<string, number>(p.ids.map((id) => [id, 0]));
  for (let i = 0; i < q; i++) {
    const id = p.ids[p.table[i * 3 + rank] as number] as string;
    c.set(id, (c.get(id) as number) + 1);
  }
  return c;
}
const spread = (c: Map<string, number>): string => {
  const v = [...c.values()];
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return `${(Math.max(...v) / mean).toFixed(3)}/${(Math.min(...v) / mean).toFixed(3)}`;
};

/** Holder changes over the first n of each partition; "others" = taken by a node other than newcomer. */
function moves(a: { table: Int32Array; ids: string[] }, b: { table: Int32Array; ids: string[] }, q: number, n: number, newcomer: string): { all: number; others: number } {
  let all = 0;
  let others = 0;
  for (let p = 0; p < q; p++) {
    const old = new Set(Array.from({ length: n }, (_, r) => a.ids[a.table[p * 3 + r] as number]));
    for (let r = 0; r < n; r++) {
      const id = b.ids[b.table[p * 3 + r] as number] as string;
      if (old.has(id)) continue;
      all++;
      if (id !== newcomer) others++;
    }
  }
  return { all, others };
}

for (const q of [PARTITION_COUNT, 2048]) {
  out(`# Q = ${q} partitions of ${SLOT_COUNT / q} slots, vnodesPerWeight ${V}; balance shown as max/mean / min/mean`);
  for (const [label, zones] of [['1 zone', 1], ['2 zones 5/5', 2], ['3 zones 4/3/3', 3]] as const) {
    const p = place(members(10, 'node', zones), q, 3);
    out(`10 equal nodes, ${label}: primary ${spread(rankCounts(p, q, 0))}  2nd ${spread(rankCounts(p, q, 1))}  3rd ${spread(rankCounts(p, q, 2))}`);
  }
  for (const prefix of ['host', '10.0.0', 'a']) out(`ids ${prefix}-i (3 zones): primary ${spread(rankCounts(place(members(10, prefix), q, 3), q, 0))}`);
  const w = rankCounts(place([...members(9), { id: 'big', zone: 'zone-0', weight: 2 }], q, 3), q, 0);
  const rest = [...w].filter(([id]) => id !== 'big').map(([, c]) => c);
  out(`weight-2 among 9 weight-1: ratio ${((w.get('big') as number) / (rest.reduce((a, b) => a + b, 0) / rest.length)).toFixed(3)}`);
  for (const zones of [1, 3]) {
    const ten = place(members(10, 'node', zones), q, 3);
    const eleven = place(members(11, 'node', zones), q, 3);
    for (const n of [1, 3]) {
      const m = moves(ten, eleven, q, n, 'node-10');
      const ideal = (n * q) / 11;
      out(
        `join 10→11 (${zones} zone${zones > 1 ? 's' : ''}), N=${n}: ${((m.all / (n * q)) * 100).toFixed(2)}% of holders moved ` +
          `(ideal ${((ideal / (n * q)) * 100).toFixed(2)}%, ×${(m.all / ideal).toFixed(2)}); between old nodes ${((m.others / (n * q)) * 100).toFixed(2)}%` +
          ` (a leave 11→10 is the same pair read backwards: same figures)`,
      );
    }
  }
}

out(`# slot ranges and build time (Q = ${PARTITION_COUNT})`);
for (const count of [3, 10, 100]) {
  const ms = members(count);
  buildRing(ms, { vnodesPerWeight: V });
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    buildRing(ms, { vnodesPerWeight: V });
    times.push(performance.now() - t0);
  }
  const ring = buildRing(ms, { vnodesPerWeight: V });
  const ranges = slotRanges(ring, 3);
  const bytes = ranges.reduce((a, r) => a + 40 + r.nodes.length * 70, 0);
  out(`${count} nodes: buildRing median ${times.sort((a, b) => a - b)[2]?.toFixed(1)} ms; slotRanges(N=3) ${ranges.length} (N=1 ${slotRanges(ring, 1).length}); CLUSTER SLOTS ≈ ${(bytes / 1024).toFixed(0)} kB`);
}
