// Builds bench/results/latency.svg from the newest full run (not --quick, not --sut redis) of each
// scenario recorded in bench/results/<scenario>.jsonl.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from './run-record';
import type { Scenario } from './scenarios';
import { renderLatencyChart, type ChartRow } from './svg-chart';

/** The newest full record of `scenario` in `dir`, or undefined. */
export function newestRecord(dir: string, scenario: string): RunRecord | undefined {
  const file = join(dir, `${scenario}.jsonl`);
  if (!existsSync(file)) return undefined;
  const records = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as RunRecord);
  return records.filter((r) => !r.quick && !r.standIn).at(-1);
}

export function chartRows(records: readonly RunRecord[]): ChartRow[] {
  return records.flatMap((r) => r.summary.map((row) => ({
    group: `${r.scenario} ${row.step} ${row.test}`, target: row.target,
    p50Ms: row.median.p50Ms, p99Ms: row.median.p99Ms, p999Ms: row.median.p999Ms,
  })));
}

/** Writes <dir>/latency.svg; returns its path, or undefined when no full run is recorded yet. */
export function writeLatencyChart(dir: string, scenarios: readonly Scenario[]): string | undefined {
  const records = scenarios.map((s) => newestRecord(dir, s.name)).filter((r): r is RunRecord => r !== undefined && Array.isArray(r.summary));
  if (records.length === 0) return undefined;
  const dates = records.map((r) => r.date.slice(0, 10)).sort();
  const title = `quorumkv vs redis-server: latency percentiles per scenario (newest full runs, ${dates[0]}${dates.at(-1) === dates[0] ? '' : ` to ${dates.at(-1)}`})`;
  const path = join(dir, 'latency.svg');
  writeFileSync(path, renderLatencyChart(chartRows(records), title));
  return path;
}
