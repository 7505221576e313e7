/**
 * The typed, read-only configuration a node runs with. Field names are the directives in
 * camelCase; the directive table (directives.ts) is the one place that says how each is parsed,
 * defaulted, validated and shown by CONFIG GET.
 */
import type { Durability } from '../storage/store';

/** Redis's level names, plus the pino-style ones we also accept */
export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning' | 'info' | 'warn' | 'error';

export interface SeedAddress {
  /** host name, IPv4 address, or IPv6 address without brackets */
  readonly host: string;
  readonly port: number;
}

export interface Config {
  readonly port: number;
  readonly bind: readonly string[];
  /** port + 10000 unless set */
  readonly clusterPort: number;
  /** the host peers and clients are told to reach this node at; null: the first `bind` address */
  readonly clusterAnnounceIp: string | null;
  /** the client port clients are told (CLUSTER SLOTS and friends); 0: `port` */
  readonly clusterAnnouncePort: number;
  /** the cluster port peers are told; 0: `cluster-port` */
  readonly clusterAnnounceBusPort: number;
  /** the local address of connections to peers; null: the system picks one */
  readonly bindSourceAddr: string | null;
  /** null: derive one, then persist it in the data directory */
  readonly nodeId: string | null;
  /** null: the node uses ./data/<node-id> once it knows its id */
  readonly dir: string | null;
  readonly seeds: readonly SeedAddress[];
  readonly zone: string;
  readonly weight: number;
  /** N */
  readonly replicas: number;
  /** R; min(2, replicas) unless set */
  readonly readQuorum: number;
  /** W; min(2, replicas) unless set */
  readonly writeQuorum: number;
  /** ms */
  readonly requestTimeout: number;
  readonly hintedHandoff: boolean;
  /** ms; 0 disables anti-entropy */
  readonly antiEntropyInterval: number;
  readonly fsync: Durability;
  /** acknowledge writes once in the node's write-ahead journal, before LevelDB applies them */
  readonly writeJournal: boolean;
  /** bytes of encoded records kept in memory so hot keys skip LevelDB; 0: none */
  readonly recordCacheSize: number;
  /** ms a deleted or expired record is kept after it died before tombstone GC may reap it */
  readonly tombstoneGrace: number;
  readonly latencyTargetMs: number;
  /** no: background work is not paced by foreground latency, only by a fixed ceiling */
  readonly backgroundController: boolean;
  /** null: no secret, non-loopback peers are refused */
  readonly clusterSecret: string | null;
  /** null: no AUTH needed (`requirepass ""` also means none, as in Redis) */
  readonly requirepass: string | null;
  readonly loglevel: LogLevel;
  /** '' = stdout */
  readonly logfile: string;
  readonly maxclients: number;
  /** client commands the node runs at once; later ones wait in their connection, in order. 0 = no bound */
  readonly maxRunningCommands: number;
  /** HTTP port of the Prometheus metrics (GET /metrics) on the bind addresses; 0 = none */
  readonly metricsPort: number;
  /** client idle seconds; 0 = never close */
  readonly timeout: number;
  /** bytes */
  readonly protoMaxBulkLen: number;
  /** bytes */
  readonly clientQueryBufferLimit: number;
  readonly protoMaxMultibulkLen: number;
  /** bytes */
  readonly protoInlineMaxSize: number;
  /** a key with more siblings than this is reported (never truncated) */
  readonly maxSiblings: number;
  readonly maxHintsPerTarget: number;
  readonly maxHints: number;
  /** virtual nodes on the ring per unit of weight */
  readonly vnodesPerWeight: number;
}
