// Renders summary rows as an aligned text table (terminal) or a Markdown table (latest.md). Pure.

import type { SummaryRow } from './summary';

const HEADINGS = ['step', 'test', 'target', 'ops/s', '±', 'p50 ms', 'p99 ms', 'p99.9 ms'];

/** Rows of cells: each target's medians, and under each non-baseline target its ratio row. */
export function tableCells(rows: readonly SummaryRow[], baseline: string): string[][] {
  const cells: string[][] = [];
  for (const row of rows) {
    const m = row.median;
    cells.push([row.step, row.test, row.target, thousands(m.opsPerSec), `${Math.round(row.opsSpread * 100)}%`,
      ms(m.p50Ms), ms(m.p99Ms), ms(m.p999Ms)]);
    if (row.ratio) {
      const r = row.ratio;
      cells.push(['', '', `${row.target}/${baseline}`, times(r.opsPerSec), '', times(r.p50Ms), times(r.p99Ms), times(r.p999Ms)]);
    }
  }
  return cells;
}

export function renderText(rows: readonly SummaryRow[], baseline: string): string {
  const all = [HEADINGS, ...tableCells(rows, baseline)];
  const widths = HEADINGS.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r: string[]): string => r.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  return [line(HEADINGS), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

export function renderMarkdown(rows: readonly SummaryRow[], baseline: string): string {
  const line = (r: string[]): string => `| ${r.join(' | ')} |`;
  const align = HEADINGS.map((_, c) => (c < 3 ? ':---' : '---:'));
  return [line(HEADINGS), line(align), ...tableCells(rows, baseline).map(line)].join('\n');
}

function thousands(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-';
}

function ms(n: number): string {
  return Number.isFinite(n) ? n.toFixed(3) : '-';
}

function times(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(2)}x` : '-';
}
