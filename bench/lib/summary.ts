// Turns per-round figures into the table rows: medians per (step, test, target) and the ratio of
// each target to the baseline (the scenario's first target). Pure.

import type { TestFigures } from './benchmark-output';

export interface Sample {
  round: number;
  step: string;
  target: string;
  figures: TestFigures;
}

export interface Figures {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

export interface SummaryRow {
  step: string;
  test: string;
  target: string;
  rounds: number;
  /** medians over the rounds */
  median: Figures;
  /** (max - min) / median of ops/s over the rounds: how noisy the figure is */
  opsSpread: number;
  /** target / baseline for every figure; absent for the baseline itself */
  ratio?: Figures;
}

const FIELDS: readonly (keyof Figures)[] = ['opsPerSec', 'p50Ms', 'p99Ms', 'p999Ms'];

/** One row per (step, test, target), in step order, then test order, then target order. */
export function summarize(samples: readonly Sample[], steps: readonly string[], targets: readonly string[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const step of steps) {
    const tests = unique(samples.filter((s) => s.step === step).map((s) => s.figures.test));
    for (const test of tests) {
      let baseline: Figures | undefined;
      for (const [i, target] of targets.entries()) {
        const mine = samples.filter((s) => s.step === step && s.target === target && s.figures.test === test);
        if (mine.length === 0) continue;
        const median = Object.fromEntries(FIELDS.map((f) => [f, medianOf(mine.map((s) => s.figures[f]))])) as unknown as Figures;
        const ops = mine.map((s) => s.figures.opsPerSec);
        const row: SummaryRow = {
          step, test, target, rounds: mine.length, median,
          opsSpread: (Math.max(...ops) - Math.min(...ops)) / median.opsPerSec,
        };
        if (i === 0) baseline = median;
        else if (baseline !== undefined) row.ratio = ratioOf(median, baseline);
        rows.push(row);
      }
    }
  }
  return rows;
}

export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function ratioOf(value: Figures, baseline: Figures): Figures {
  const r = (f: keyof Figures): number => (baseline[f] === 0 ? NaN : value[f] / baseline[f]);
  return { opsPerSec: r('opsPerSec'), p50Ms: r('p50Ms'), p99Ms: r('p99Ms'), p999Ms: r('p999Ms') };
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
