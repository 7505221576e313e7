/**
 * What a command handler may use: its client's connection state and a narrow view of the node.
 * Handlers never see sockets, timers or the node object itself.
 */
import type { Config } from '../config';
import type { Keyspace } from '../coordinator/keyspace';
import type { CommandTable } from './command-table';
import type { Clock } from '../util/clock';
import type { MemberInfo } from '../membership/view';
import type { Ring } from '../ring';
import type { InstantaneousMetrics } from '../observability/instantaneous';

export interface ClientState {
  readonly id: number;
  readonly addr: string;
  readonly laddr: string;
  readonly createdAt: number;
  name: string;
  lib: { name: string; ver: string };
  proto: 2 | 3;
  authenticated: boolean;
  /** this connection's R and W (QUORUM r w); null = the node's defaults */
  quorum: { r: number; w: number } | null;
  readonly: boolean;
  lastCommand: string;
  lastActive: number;
  /** set by QUIT: close after the reply is written */
  closeAfterReply: boolean;
  /**
   * A MULTI was refused (there are no transactions): the commands after it are refused too, up
   * to EXEC (EXECABORT) or DISCARD, so a client's transaction is never applied in part
   */
  inMulti: boolean;
  /** a command another node forwarded to run here (forwarding.ts): it runs here, never forwarded again */
  readonly forwarded: boolean;
  /** queued bytes in and out, for CLIENT LIST */
  stats(): { qbuf: number; obl: number };
}

export interface ClientRegistry {
  list(): ClientState[];
  get(id: number): ClientState | undefined;
  kill(id: number): boolean;
  /** the bound on commands run at once (max-running-commands) and what waits for it */
  admission(): AdmissionStats;
  /** bytes read from and written to client sockets since start (INFO total_net_*_bytes) */
  netBytes(): NetBytes;
}

export interface NetBytes {
  readonly input: number;
  readonly output: number;
}

export interface AdmissionStats {
  readonly running: number;
  /** max-running-commands as configured (0: no bound) */
  readonly limit: number;
  readonly waitingClients: number;
  readonly waitingCommands: number;
  /** commands that waited since start */
  readonly delayed: number;
}

export interface ServerStats {
  readonly startedAt: number;
  commandsProcessed: number;
  connectionsReceived: number;
  rejectedConnections: number;
  /** keys whose sibling count exceeded max-siblings (reported, never truncated) */
  siblingLimitExceeded: number;
  /** keys read commands found (or not), as Redis counts them: reads only, each key once */
  keyspaceHits: number;
  keyspaceMisses: number;
}

/** the cluster as the CLUSTER commands and INFO see it */
export interface ClusterContext {
  readonly myId: string;
  /** every known member (removed ones included, flagged by status) */
  members(): MemberInfo[];
  ring(): Ring;
  ringChecksum(): string;
  /** self is always up */
  isUp(id: string): boolean;
  /** N in force (replicas capped at the member count) */
  replicas(): number;
}

export interface ServerContext {
  readonly nodeId: string;
  readonly config: Config;
  readonly clock: Clock;
  /** uniform in [0, 1): injected so tests can seed it */
  readonly rng: () => number;
  readonly keyspace: Keyspace;
  readonly cluster: ClusterContext;
  readonly commands: CommandTable;
  readonly clients: ClientRegistry;
  readonly stats: ServerStats;
  /** INFO's instantaneous_* figures, sampled every 100 ms by the node */
  readonly instantaneous: InstantaneousMetrics;
  /** extra INFO sections from other parts of the node (cluster, storage, ...) */
  infoSections(): Array<[string, Array<[string, string | number]>]>;
  readonly version: string;
}

export interface CommandContext {
  readonly client: ClientState;
  readonly server: ServerContext;
}
