// Parser for redis-benchmark 7.0's normal (non --csv) output. Pure: text in, figures out.
//
// For each test the output has a "====== SET ======" header, a "Latency by percentile
// distribution" section (HDR percentile iteration: 50%, 75%, 87.5%, ... 99.902%, ...), a
// "Cumulative distribution of latencies" section (fixed value buckets), and a "Summary" with the
// throughput and avg/min/p50/p95/p99/max. --csv has no p99.9, so p99.9 is read from the two
// distribution sections: both are lists of (latency, cumulative count); merged and sorted by
// latency, p99.9 is interpolated linearly between the last point below 99.9% of the requests and
// the first at or above it. Checked against the summary: the same rule gives its p50/p95/p99
// within one recorded bucket (usually within 0.003 ms). p50/p95/p99 are taken from the summary.

import { BenchError } from './errors';

export interface TestFigures {
  /** upper-case test name as redis-benchmark prints it: "SET", "GET", ... */
  test: string;
  requests: number;
  seconds: number;
  opsPerSec: number;
  avgMs: number;
  minMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

interface DistributionPoint {
  ms: number;
  count: number;
}

const HEADER = /^====== (.+) ======$/;
const COMPLETED = /^\s*(\d+) requests completed in ([\d.]+) seconds/;
const POINT = /^\s*[\d.]+% <= ([\d.]+) milliseconds \(cumulative count (\d+)\)/;
const THROUGHPUT = /throughput summary: ([\d.]+) requests per second/;
const SUMMARY_ROW = /^\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$/;

/** Parses every test block in `output`; throws BENCH_OUTPUT_UNPARSABLE when a block is incomplete. */
export function parseBenchmarkOutput(output: string): TestFigures[] {
  // Progress updates are separated by '\r'; treat them as lines and let them fall through.
  const lines = output.split(/\r\n|\r|\n/);
  const blocks: string[][] = [];
  for (const line of lines) {
    if (HEADER.test(line)) blocks.push([line]);
    else if (blocks.length > 0) blocks[blocks.length - 1].push(line);
  }
  if (blocks.length === 0) {
    throw new BenchError('BENCH_OUTPUT_UNPARSABLE', `no test results in redis-benchmark output: ${tail(output)}`);
  }
  return blocks.map(parseBlock);
}

function parseBlock(block: string[]): TestFigures {
  const test = (HEADER.exec(block[0]) ?? ['', '?'])[1].trim();
  let requests = NaN;
  let seconds = NaN;
  let opsPerSec = NaN;
  let summary: number[] | undefined;
  const points: DistributionPoint[] = [];
  let afterLatencyHeader = false;
  for (const line of block) {
    const completed = COMPLETED.exec(line);
    if (completed) {
      requests = Number(completed[1]);
      seconds = Number(completed[2]);
    }
    const point = POINT.exec(line);
    if (point) points.push({ ms: Number(point[1]), count: Number(point[2]) });
    const throughput = THROUGHPUT.exec(line);
    if (throughput) opsPerSec = Number(throughput[1]);
    if (/^\s*avg\s+min\s+p50\s+p95\s+p99\s+max\s*$/.test(line)) afterLatencyHeader = true;
    else if (afterLatencyHeader && summary === undefined) {
      const row = SUMMARY_ROW.exec(line);
      if (row) summary = row.slice(1).map(Number);
    }
  }
  if (!Number.isFinite(requests) || !Number.isFinite(opsPerSec) || summary === undefined || points.length === 0) {
    throw new BenchError('BENCH_OUTPUT_UNPARSABLE', `incomplete result for ${test}: ${tail(block.join('\n'))}`);
  }
  const [avgMs, minMs, p50Ms, p95Ms, p99Ms, maxMs] = summary;
  return {
    test, requests, seconds, opsPerSec, avgMs, minMs, p50Ms, p95Ms, p99Ms,
    p999Ms: percentileFromPoints(points, requests, 0.999),
    maxMs,
  };
}

/**
 * Latency below which `fraction` of `total` requests fall: the first recorded point whose
 * cumulative count reaches the target, interpolated linearly (in count) from the point before it.
 */
export function percentileFromPoints(points: readonly DistributionPoint[], total: number, fraction: number): number {
  const needed = total * fraction;
  const sorted = [...points].sort((a, b) => a.ms - b.ms || a.count - b.count);
  let previous: DistributionPoint | undefined;
  for (const p of sorted) {
    if (p.count >= needed) {
      if (previous === undefined || p.count === previous.count) return p.ms;
      const share = (needed - previous.count) / (p.count - previous.count);
      return round3(previous.ms + share * (p.ms - previous.ms));
    }
    if (previous === undefined || p.count >= previous.count) previous = p;
  }
  return sorted.length > 0 ? sorted[sorted.length - 1].ms : NaN;
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function tail(text: string): string {
  const t = text.trim();
  return t.length > 400 ? `...${t.slice(-400)}` : t;
}
