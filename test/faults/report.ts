/**
 * What a fault run prints: one summary line per schedule (history size, outcomes, faults,
 * verdict) and, on failure, the seed, the anomalies, the faults and the shrunk history.
 * Shrinking: re-run the same seed with fewer operations (a prefix of the workload) and keep the
 * smallest operation count that still fails (binary search; the runs are deterministic).
 */
import type { Anomaly, Verdict } from './checker';
import { formatHistory, type Op } from './history';

export interface RunSummary {
  readonly name: string;
  readonly ops: readonly Op[];
  readonly faults: string;
  readonly faultCount: number;
  readonly verdict: Verdict;
  readonly note?: string;
}

export function summaryLine(s: RunSummary): string {
  const c = { ok: 0, unknown: 0, fail: 0 };
  for (const op of s.ops) if (op.status !== 'pending') c[op.status]++;
  const verdict = s.verdict.ok ? 'OK' : `FAIL (${s.verdict.anomalies.length} anomalies)`;
  return `${s.name}: ${s.ops.length} ops (ok ${c.ok}, unknown ${c.unknown}, fail ${c.fail}) on ${s.verdict.keys} keys; ` +
    `${s.faultCount} faults [${s.faults}]${s.note ? `; ${s.note}` : ''}` +
    `${s.verdict.duplicates.length > 0 ? `; ${s.verdict.duplicates.length} write(s) stored twice (a forwarding hop's reply lost)` : ''} → ${verdict}`;
}

export function failureReport(s: RunSummary, faultLog: readonly string[], shrunk: { limit: number; ops: readonly Op[]; anomalies: readonly Anomaly[] } | null, brief = false): string {
  const lines = [
    `FAILED ${summaryLine(s)}`,
    ...s.verdict.anomalies.slice(0, 20).map((a) => `  ${a.kind} ${a.key} [ops ${a.ops.map((i) => `#${i}`).join(' ')}]: ${a.detail}`),
    'faults:',
    ...faultLog.map((f) => `  ${f}`),
  ];
  if (brief) return lines.join('\n');
  if (shrunk !== null) {
    const keys = new Set(shrunk.anomalies.map((a) => a.key));
    const shown = shrunk.ops.filter((op) => keys.has(op.key));
    lines.push(`smallest failing prefix: ${shrunk.limit} operations (re-run with that operation limit); its anomalies:`);
    lines.push(...shrunk.anomalies.slice(0, 10).map((a) => `  ${a.kind} ${a.key} [ops ${a.ops.map((i) => `#${i}`).join(' ')}]: ${a.detail}`));
    lines.push(`its ${shown.length} operations on ${[...keys].join(', ')}:`, formatHistory(shown));
  } else {
    lines.push('history:', formatHistory(s.ops));
  }
  return lines.join('\n');
}

/** the smallest limit in [1, hi] for which `fails` holds, assuming it holds at hi */
export async function shrinkLimit<T>(hi: number, run: (limit: number) => Promise<T>, fails: (t: T) => boolean, maxRuns = 14): Promise<{ limit: number; result: T } | null> {
  let lo = 1;
  let best: { limit: number; result: T } | null = null;
  for (let runs = 0; lo < hi && runs < maxRuns; runs++) {
    const mid = Math.floor((lo + hi) / 2);
    const r = await run(mid);
    if (fails(r)) {
      hi = mid;
      best = { limit: mid, result: r };
    } else {
      lo = mid + 1;
    }
  }
  return best;
}

/** where fault runs print: stdout, as mocha's reporter does */
export function print(text: string): void {
  process.stdout.write(`      ${text.split('\n').join('\n      ')}\n`);
}
