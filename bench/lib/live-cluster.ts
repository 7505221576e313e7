// A quorumkv cluster whose nodes a scenario can pause (SIGSTOP/SIGCONT), kill and restart, and
// read INFO fields from. The nodes' command lines are the harness's usual ones (targets.ts).

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Cleanup } from './cleanup';
import { stopChild } from './cleanup';
import { BenchError } from './errors';
import { allocatePort } from './ports';
import { probe } from './resp-probe';
import type { LaunchCommand } from './server-process';
import { nodeCommand, portOffsets, type Directives, type NodeContext } from './targets';

export interface ClusterOptions {
  root: string;
  workDir: string;
  portBase: number;
  nodes: number;
  /** directives beyond the defaults (node-id, port, dir, fsync everysec, loglevel warning) and seeds */
  directives: (index: number) => Directives;
  startTimeoutMs: number;
  cleanup: Cleanup;
}

export class ClusterNode {
  private child: ChildProcess | undefined;

  constructor(readonly name: string, readonly port: number, readonly command: LaunchCommand, private readonly logPath: string,
    private readonly cwd: string, private readonly cleanup: Cleanup) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts (or restarts, same directory and command) the node. */
  spawn(): void {
    const log = openSync(this.logPath, 'a');
    try {
      this.child = spawn(this.command.file, [...this.command.args], { cwd: this.cwd, stdio: ['ignore', log, log] });
      this.cleanup.addChild(this.child);
    } finally {
      closeSync(log);
    }
  }

  /** SIGSTOP, SIGCONT, SIGKILL ...; SIGKILL resolves once the process is gone. */
  async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child === undefined || !this.running) throw new BenchError('BENCH_SERVER_EXITED', `${this.name} is not running`);
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    if (signal === 'SIGKILL') await gone;
  }

  /** SIGTERM (SIGKILL after `graceMs`); resolves once the process is gone. A paused node is
   *  resumed first, or it could not act on SIGTERM. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.child === undefined || !this.running) return;
    this.child.kill('SIGCONT');
    await stopChild(this.child, graceMs);
  }

  /** Waits until the node answers PING and `ready` holds. */
  async waitReady(timeoutMs: number, ready?: (port: number) => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new BenchError('BENCH_SERVER_EXITED', `${this.name} exited; log: ${this.logPath}`);
      const ok = await probe(this.port, ['PING'], 1000).then((r) => r.text === 'PONG' && (ready === undefined || ready(this.port)), () => false);
      if (ok) return;
      await sleep(100);
    }
    throw new BenchError('BENCH_SERVER_START_TIMEOUT', `${this.name} not ready within ${timeoutMs / 1000} s; log: ${this.logPath}`);
  }
}

/** Starts `nodes` quorumkv nodes; nodes 2.. find the cluster through node 1's cluster port. */
export async function startCluster(o: ClusterOptions): Promise<ClusterNode[]> {
  const ports: number[] = [];
  const taken = new Set<number>();
  for (let i = 0; i < o.nodes; i++) ports.push(await allocatePort(Math.max(o.portBase, (ports.at(-1) ?? 0) + 1), portOffsets('quorumkv'), taken));
  const nodes = ports.map((port, index) => {
    const dir = join(o.workDir, `node${index + 1}`);
    mkdirSync(dir, { recursive: true });
    const ctx: NodeContext = { index, ports, dir, root: o.root };
    const seeds: Directives = index === 0 ? {} : { seeds: `127.0.0.1:${ports[0] + 10000}` };
    const command = nodeCommand({ kind: 'quorumkv', directives: () => ({ ...seeds, ...o.directives(index) }) }, ctx);
    return new ClusterNode(`node${index + 1}`, port, command, join(dir, 'server.log'), o.root, o.cleanup);
  });
  for (const n of nodes) n.spawn();
  const known = new RegExp(`cluster_known_nodes:${o.nodes}\\b`);
  await Promise.all(nodes.map((n) => n.waitReady(o.startTimeoutMs, async (p) => known.test(await info(p, 'CLUSTER INFO')))));
  return nodes;
}

/** The text of `INFO section` (or another command given as "CLUSTER INFO"). */
export async function info(port: number, command: string, timeoutMs = 2000): Promise<string> {
  const words = command.includes(' ') ? command.split(' ') : ['INFO', command];
  return (await probe(port, words, timeoutMs)).text;
}

/** A numeric `field:value` of an INFO text; NaN when absent. */
export function field(text: string, name: string): number {
  return Number(new RegExp(`^${name}:([-\\d.]+)`, 'm').exec(text)?.[1] ?? NaN);
}

/** A textual `field:value` of an INFO text; '' when absent. */
export function textField(text: string, name: string): string {
  return new RegExp(`^${name}:(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
