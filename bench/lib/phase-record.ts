// What every phased scenario (failover, catchup) records about its run: when, on what, how busy
// the machine was at each phase, and the exact commands. Plus the Markdown lines for it.

import { loadavg } from 'node:os';
import { gitInfo, machineInfo, type GitInfo, type MachineInfo } from './machine-info';
import type { WindowStats } from './latency-windows';

export interface LoadSample {
  /** the phase that starts (or the event that happens) when the 1-minute load average was read */
  phase: string;
  load: number;
}

export interface RunHeader {
  date: string;
  scenario: string;
  quick: boolean;
  durationSec: number;
  loadAverage: { start: number; end: number; samples: LoadSample[] };
  machine: MachineInfo;
  git: GitInfo;
}

/** Collects a RunHeader while a scenario runs. */
export class HeaderRecorder {
  private readonly started = Date.now();
  private readonly samples: LoadSample[] = [];

  constructor(private readonly scenario: string, private readonly quick: boolean) {
    this.mark('start');
  }

  /** notes the load average as `phase` begins */
  mark(phase: string): void {
    this.samples.push({ phase, load: round2(loadavg()[0]) });
  }

  finish(root: string): RunHeader {
    this.mark('end');
    return {
      date: new Date(this.started).toISOString(), scenario: this.scenario, quick: this.quick,
      durationSec: Math.round((Date.now() - this.started) / 1000),
      loadAverage: { start: this.samples[0].load, end: this.samples[this.samples.length - 1].load, samples: [...this.samples] },
      machine: machineInfo(), git: gitInfo(root),
    };
  }
}

/** The report's opening lines: date, machine, load, commit. Pure. */
export function headerLines(h: RunHeader): string[] {
  const m = h.machine;
  return [
    `- date: ${h.date} (${h.durationSec} s)${h.quick ? ' — **quick run (smaller phases): a smoke check, not a figure to compare**' : ''}`,
    `- machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; node ${m.node}`,
    `- load average (1 min): ${h.loadAverage.samples.map((s) => `${s.phase} ${s.load}`).join(', ')}`,
    `- commit: ${h.git.commit}${h.git.dirty ? ' (with uncommitted or untracked changes)' : ''}`,
  ];
}

/** One Markdown table row of a window: label, requests, failed, rate, p50, p99, p99.9, max. Pure. */
export function windowRow(label: string, w: WindowStats): string {
  return `| ${label} | ${w.requests.toLocaleString('en-US')} | ${w.failed} | ${fmt(w.ratePerSec, 0)} | ${fmt(w.p50Ms)} | ${fmt(w.p99Ms)} | ${fmt(w.p999Ms)} | ${fmt(w.maxMs)} |`;
}

export const WINDOW_HEADER = [
  '| window | requests | failed | req/s | p50 ms | p99 ms | p99.9 ms | max ms |',
  '| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];

export function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–';
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
