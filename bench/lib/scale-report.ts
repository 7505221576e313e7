// The scale scenario's Markdown report (bench/results/scale.md). Pure.

import type { ScalePoint, ScaleRecord } from './scale';

const mib = (b: number): string => (b / 1048576).toFixed(1);

export function renderScale(r: ScaleRecord): string {
  const ratio = r.large.opsPerSec / r.small.opsPerSec;
  const point = (p: ScalePoint): string[] => p.nodes.map((n) =>
    `| ${p.keys.toLocaleString('en-US')} | ${n.node} | ${Number.isFinite(n.keys) ? n.keys.toLocaleString('en-US') : '(timed out)'} | ${mib(n.rssBytes)} | ${mib(n.heapBytes)} | ` +
    `${mib(n.diskBytes)} | ${(n.diskBytes / p.keys).toFixed(0)} | ${n.cacheHitRate === undefined || !Number.isFinite(n.cacheHitRate) ? '—' : `${(100 * n.cacheHitRate).toFixed(1)}%`} |`);
  const lines = [
    '# Benchmark: scale',
    '',
    `1,000,000 keys (100-byte values) into a 3-node quorumkv cluster (N=3 R=2 W=2).${r.quick ? ' **quick run: 100,000 keys**.' : ''}`,
    '',
    `- date: ${r.date} (${r.durationSec} s); load average (1 min) ${r.loadAverage.start} at the start, ${r.loadAverage.end} at the end`,
    `- machine: ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB; node ${r.machine.node}`,
    `- commit: ${r.git.commit}${r.git.dirty ? ' (with uncommitted or untracked changes)' : ''}`,
    '',
    `Load: ${(r.large.keys - r.small.keys).toLocaleString('en-US')} SETs in ${r.loadSeconds.toFixed(1)} s = ` +
      `**${Math.round(r.loadRate).toLocaleString('en-US')} keys/s** (each written to 3 replicas; 50 connections x 4 in flight, spread over the nodes).`,
    '',
    `Workload: ${r.workload}.`,
    '',
    '| keys | ops/s | p50 ms | p99 ms | p99.9 ms |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...[r.small, r.large].map((p) => `| ${p.keys.toLocaleString('en-US')} | ${Math.round(p.opsPerSec).toLocaleString('en-US')} | ${p.p50Ms.toFixed(3)} | ${p.p99Ms.toFixed(3)} | ${p.p999Ms.toFixed(3)} |`),
    '',
    `ops/s at ${r.large.keys.toLocaleString('en-US')} keys / at ${r.small.keys.toLocaleString('en-US')} keys: **${ratio.toFixed(2)}x** (goal: at least 0.80x).`,
    '',
    'Before each measurement the bench waits until every node is idle (under 10% of a core over 2 s:',
    'LevelDB has compacted what was loaded): ' +
      [r.small, r.large].map((p) => `${p.settleSeconds ?? '?'} s at ${p.keys.toLocaleString('en-US')} keys`).join(', ') + '.',
    '',
    'An anti-entropy exchange between replicas already in sync (node 1, after each measurement; ' +
      'INFO antientropy_last_round_ms, differing slots): ' +
      [r.small, r.large].map((p) => p.antiEntropy ? `${p.antiEntropy.ms} ms, ${p.antiEntropy.slots} slots at ${p.keys.toLocaleString('en-US')} keys` : `not measured at ${p.keys.toLocaleString('en-US')} keys`).join('; ') + '.',
    '',
    'Per node, after each measurement (RSS and heap from INFO memory: used_memory_rss, used_memory_heap;',
    'disk: `du -sb` of the node\'s data directory; disk/key: that over the cluster\'s key count, so each',
    'node\'s figure includes its replica of every key it holds; cache hits: the share of the node\'s',
    'record lookups during the mix that its record cache answered, from INFO storage, the rest read',
    'LevelDB):',
    '',
    '| cluster keys | node | DBSIZE | RSS MiB | heap MiB | disk MiB | disk bytes/key | cache hits |',
    '| ---: | :--- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...point(r.small),
    ...point(r.large),
    '',
    `Largest RSS at ${r.large.keys.toLocaleString('en-US')} keys: ${mib(Math.max(...r.large.nodes.map((n) => n.rssBytes)))} MiB (goal: under 400 MB).`,
    '',
    '## Servers',
    '',
    ...r.servers.map((c) => `- \`${c}\``),
    '',
  ];
  return lines.join('\n');
}
