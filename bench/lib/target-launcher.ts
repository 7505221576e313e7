// Starts every node of a TargetSpec on free ports in fresh directories and waits until they answer.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Cleanup } from './cleanup';
import { BenchError } from './errors';
import { allocatePort } from './ports';
import { ServerProcess } from './server-process';
import type { NodeContext, TargetSpec } from './targets';
import { nodeCommand, portOffsets } from './targets';

export interface LaunchOptions {
  root: string;
  /** a temp directory owned by this run; each node gets a subdirectory */
  workDir: string;
  /** first port to try; ports already handed out are in `taken` */
  portBase: number;
  taken: Set<number>;
  startTimeoutMs: number;
  cleanup: Cleanup;
}

export interface RunningTarget {
  spec: TargetSpec;
  servers: readonly ServerProcess[];
  /** client port redis-benchmark connects to */
  entryPort: number;
  /** the command line of every node, as shown in reports */
  commands: readonly string[];
  /** ports the load generator connects to: every running node with `spread`, else the entry */
  livePorts: readonly number[];
}

/** Fails early with BENCH_SERVER_MISSING when a quorumkv node is wanted and bin/ lacks the server. */
export function checkLaunchable(spec: TargetSpec, root: string): void {
  const bin = join(root, 'bin', 'quorumkv-server');
  if (spec.nodes.some((n) => n.kind === 'quorumkv') && !existsSync(bin)) {
    throw new BenchError('BENCH_SERVER_MISSING', `${bin} does not exist (use --sut redis to check the harness alone)`);
  }
}

export async function launchTarget(spec: TargetSpec, options: LaunchOptions): Promise<RunningTarget> {
  checkLaunchable(spec, options.root);
  const ports: number[] = [];
  for (const node of spec.nodes) {
    ports.push(await allocatePort(Math.max(options.portBase, (ports.at(-1) ?? 0) + 1), portOffsets(node.kind), options.taken));
  }
  const servers = spec.nodes.map((node, index) => {
    const name = spec.nodes.length === 1 ? spec.name : `${spec.name}[${index}]`;
    const dir = join(options.workDir, `${spec.name}-${index}`);
    mkdirSync(dir, { recursive: true });
    const ctx: NodeContext = { index, ports, dir, root: options.root };
    return ServerProcess.spawn(name, ports[index], nodeCommand(node, ctx), join(dir, 'server.log'), options.root, options.cleanup);
  });
  await Promise.all(servers.map((s) => s.waitReady(options.startTimeoutMs, spec.ready)));
  const stopped = new Set(spec.stopAfterReady ?? []);
  for (const index of stopped) await servers[index].stop();
  const live = servers.filter((_, i) => !stopped.has(i));
  if (spec.readyAfterStop !== undefined) {
    // failure detection takes a few seconds, more on a busy machine
    await Promise.all(live.map((s) => s.waitReady(Math.max(options.startTimeoutMs, 60_000), spec.readyAfterStop)));
  }
  const entry = spec.entry ?? 0;
  return {
    spec, servers, entryPort: ports[entry], commands: servers.map((s) => s.command.display),
    livePorts: spec.spread === true ? live.map((s) => s.port) : [ports[entry]],
  };
}

/** Raises BENCH_SERVER_EXITED when a node that should be running has died (e.g. crashed mid-run). */
export function assertRunning(target: RunningTarget): void {
  const stopped = new Set(target.spec.stopAfterReady ?? []);
  target.servers.forEach((server, index) => {
    if (!stopped.has(index) && !server.running) {
      throw new BenchError('BENCH_SERVER_EXITED', `${server.name} is no longer running\n${server.describe()}`);
    }
  });
}
