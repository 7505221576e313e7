// The record of one benchmark run: appended as one JSON line to bench/results/<scenario>.jsonl,
// and rendered as bench/results/latest.md.

import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GitInfo, MachineInfo } from './machine-info';
import type { Sample, SummaryRow } from './summary';
import { renderMarkdown } from './table';

export interface RunRecord {
  date: string;
  scenario: string;
  description: string;
  /** --quick: small N, one round; a smoke check, not a figure to compare */
  quick: boolean;
  /** --sut redis: every quorumkv node replaced by redis-server (a harness check) */
  standIn: boolean;
  rounds: number;
  durationSec: number;
  /** 1-minute load average at the start and at the end: how busy the shared machine was */
  loadAverage: { start: number; end: number };
  machine: MachineInfo;
  git: GitInfo;
  /** target name → the command line of each of its nodes */
  servers: Record<string, string[]>;
  /** step label → target name → the exact redis-benchmark command */
  benchmarks: Record<string, Record<string, string>>;
  /** medians and ratios, as in the table */
  summary: SummaryRow[];
  /** every round's raw figures */
  samples: Sample[];
}

/** Appends `record` (a RunRecord, or another scenario's record with a `scenario` field) to
 *  <dir>/<scenario>.jsonl; returns the path. */
export function appendRecord(dir: string, record: { scenario: string }): string {
  mkdirSync(dir, { recursive: true });
  const jsonl = join(dir, `${record.scenario}.jsonl`);
  appendFileSync(jsonl, `${JSON.stringify(record)}\n`);
  return jsonl;
}

/** Rewrites <dir>/latest.md with the tables of this run's records; returns the path. */
export function writeLatest(dir: string, records: readonly RunRecord[], failed: readonly string[] = []): string {
  const markdown = join(dir, 'latest.md');
  writeFileSync(markdown, [...records.map(renderLatest), ...failed.map((f) => `# Benchmark failed: ${f}\n`)].join('\n'));
  return markdown;
}

export function renderLatest(record: RunRecord): string {
  const baseline = Object.keys(record.servers)[0] ?? 'baseline';
  const m = record.machine;
  const flags = [record.quick ? '**quick run (small N, 1 round)**' : '', record.standIn ? '**stand-in: quorumkv replaced by redis-server**' : '']
    .filter(Boolean).join(', ');
  const lines = [
    `# Benchmark: ${record.scenario}`,
    '',
    `${record.description}.${flags ? ` ${flags}.` : ''}`,
    '',
    `- date: ${record.date} (${record.durationSec} s, ${record.rounds} round${record.rounds === 1 ? '' : 's'}, medians shown)`,
    `- machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}`,
    `- node ${m.node}, redis-server ${m.redisServer}, redis-benchmark ${m.redisBenchmark}`,
    `- load average (1 min): ${record.loadAverage.start} at the start, ${record.loadAverage.end} at the end`,
    `- commit: ${record.git.commit}${record.git.dirty ? ' (with uncommitted or untracked changes)' : ''}`,
    '',
    renderMarkdown(record.summary, baseline),
    '',
    'ops/s: requests per second; ±: spread of ops/s over the rounds, (max-min)/median; p50/p99/p99.9:',
    'latency percentiles in ms as redis-benchmark measures them (per request, including pipeline wait).',
    `Ratio rows: target/${baseline}; for ops/s higher is better, for latencies lower is better.`,
    '',
    '## Servers',
    '',
    ...Object.entries(record.servers).flatMap(([name, commands]) => commands.map((c) => `- ${name}: \`${c}\``)),
    '',
    '## Benchmark commands',
    '',
    ...Object.entries(record.benchmarks).flatMap(([step, byTarget]) =>
      Object.entries(byTarget).map(([name, c]) => `- ${step} ${name}: \`${c}\``)),
    '',
  ];
  return lines.join('\n');
}
