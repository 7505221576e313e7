/**
 * Prometheus metrics (`metrics-port`): every numeric INFO field, the per-command latency
 * percentiles, and prom-client's process and Node.js metrics, in the text exposition format.
 *
 * Nothing here runs on a request's path: the values are read from the same sources as INFO when
 * a scrape asks, so a node without a scraper pays nothing, and INFO and /metrics never disagree.
 *
 * Names: `quorumkv_<INFO field>`. A field that only grows is a counter, named with `_total` at the
 * end (a leading `total_` moves there: `total_commands_processed` → `quorumkv_commands_processed_total`);
 * every other numeric field is a gauge. `hints_per_target` becomes `quorumkv_hints_pending_per_target
 * {target}`, the ring checksum a label of `quorumkv_ring_info`, and each command's latency
 * `quorumkv_command_latency_seconds{command,quantile}` with `quorumkv_command_calls_total{command}`
 * (both cleared by CONFIG RESETSTAT, as INFO latencystats is).
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { CommandLatency } from './latency';

export type InfoFields = ReadonlyArray<readonly [string, string | number]>;
export type InfoSections = ReadonlyArray<readonly [string, InfoFields]>;

export interface MetricsSource {
  /** the INFO sections (as INFO builds them) */
  sections(): InfoSections;
  latencies(): readonly CommandLatency[];
}

export interface MetricsOptions {
  /** constant labels of `quorumkv_node_info` */
  readonly nodeId: string;
  readonly version: string;
  /** prom-client's process_* and nodejs_* metrics (default true) */
  readonly processMetrics?: boolean;
}

const PREFIX = 'quorumkv_';

/** INFO fields that only grow (between restarts or CONFIG RESETSTAT) */
const COUNTERS = new Set([
  'total_connections_received', 'total_commands_processed', 'total_net_input_bytes', 'total_net_output_bytes', 'rejected_connections', 'total_delayed_commands',
  'sibling_limit_exceeded', 'keyspace_hits', 'keyspace_misses', 'used_cpu_sys', 'used_cpu_user',
  'read_repairs', 'forwarded_requests',
  'hints_delivered', 'hints_dropped', 'hints_released',
  'transfer_records_pulled', 'transfer_records_pushed', 'transfer_records_served', 'transfer_records_received',
  'transfer_failures',
  'antientropy_rounds', 'antientropy_rounds_failed', 'antientropy_keys_pushed', 'antientropy_keys_pulled',
  'gc_sweeps', 'tombstones_reaped', 'tombstones_sent',
  'decisions_up', 'decisions_down', 'decisions_hold',
  'spent_transfer', 'spent_handoff', 'spent_antientropy', 'spent_gc',
  'record_cache_hits', 'record_cache_misses', 'store_device_batches', 'store_device_ops', 'journal_backlog_full',
]);

/** fields of the server section worth a metric (the rest are identity, in quorumkv_node_info) */
const SERVER_FIELDS = new Set(['uptime_in_seconds']);
/** fields INFO has for Redis tools' sake, constant here (no RDB, AOF, replicas or maxmemory) */
const REDIS_PLACEHOLDERS = new Set([
  'maxmemory', 'loading', 'async_loading', 'rdb_bgsave_in_progress', 'aof_enabled', 'aof_rewrite_in_progress',
  'connected_slaves', 'cluster_enabled', 'blocked_clients',
]);

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** the metric name of an INFO field, or null when it is not a metric name Prometheus accepts */
export function metricName(field: string): string | null {
  if (!/^[a-z_][a-z0-9_]*$/.test(field)) return null;
  if (!COUNTERS.has(field)) return PREFIX + field;
  return `${PREFIX}${field.startsWith('total_') ? field.slice('total_'.length) : field}_total`;
}

/** the number an INFO value holds, or null for text */
export function numericValue(v: string | number): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return DECIMAL.test(v) ? Number(v) : null;
}

/** "n1=3,n4=12" → [["n1", 3], ["n4", 12]] (hints_per_target) */
function perTarget(v: string | number): Array<[string, number]> {
  if (typeof v !== 'string' || v === '') return [];
  const out: Array<[string, number]> = [];
  for (const part of v.split(',')) {
    const eq = part.lastIndexOf('=');
    const n = eq > 0 ? numericValue(part.slice(eq + 1)) : null;
    if (n !== null) out.push([part.slice(0, eq), n]);
  }
  return out;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly fieldMetrics = new Map<string, Gauge | Counter>();
  private readonly hintsPerTarget: Gauge<'target'>;
  private readonly ringInfo: Gauge<'checksum'>;
  private readonly latency: Gauge<'command' | 'quantile'>;
  private readonly calls: Counter<'command'>;

  constructor(private readonly source: MetricsSource, opts: MetricsOptions) {
    const registers = [this.registry];
    new Gauge({ name: `${PREFIX}node_info`, help: 'this node: its id and the quorumkv version', labelNames: ['node_id', 'version'], registers })
      .set({ node_id: opts.nodeId, version: opts.version }, 1);
    this.hintsPerTarget = new Gauge({ name: `${PREFIX}hints_pending_per_target`, help: 'hints kept for a node (INFO hints_per_target)', labelNames: ['target'], registers });
    this.ringInfo = new Gauge({ name: `${PREFIX}ring_info`, help: 'the ring this node routes by (INFO ring_checksum); equal on every node once gossip converged', labelNames: ['checksum'], registers });
    this.latency = new Gauge({ name: `${PREFIX}command_latency_seconds`, help: 'command latency percentiles since start or CONFIG RESETSTAT (INFO latencystats)', labelNames: ['command', 'quantile'], registers });
    this.calls = new Counter({ name: `${PREFIX}command_calls_total`, help: 'commands measured in quorumkv_command_latency_seconds', labelNames: ['command'], registers });
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** the exposition text, with every value read now */
  async render(): Promise<string> {
    this.update();
    return this.registry.metrics();
  }

  private update(): void {
    this.hintsPerTarget.reset();
    this.ringInfo.reset();
    for (const [section, fields] of this.source.sections()) {
      if (section === 'latencystats') continue; // from the histograms themselves, below
      for (const [field, value] of fields) {
        if (field === 'hints_per_target') {
          for (const [target, n] of perTarget(value)) this.hintsPerTarget.set({ target }, n);
          continue;
        }
        if (field === 'ring_checksum') {
          this.ringInfo.set({ checksum: String(value) }, 1);
          continue;
        }
        if ((section === 'server' && !SERVER_FIELDS.has(field)) || REDIS_PLACEHOLDERS.has(field)) continue;
        const n = numericValue(value);
        if (n !== null) this.setField(section, field, n);
      }
    }
    this.latency.reset();
    this.calls.reset();
    for (const l of this.source.latencies()) {
      this.calls.inc({ command: l.command }, l.calls);
      for (const [p, seconds] of l.quantiles) this.latency.set({ command: l.command, quantile: String(Number((p / 100).toPrecision(6))) }, seconds);
    }
  }

  private setField(section: string, field: string, value: number): void {
    let m = this.fieldMetrics.get(field);
    if (m === undefined) {
      const name = metricName(field);
      if (name === null) return;
      const help = `INFO ${section} ${field}`;
      m = COUNTERS.has(field) ? new Counter({ name, help, registers: [this.registry] }) : new Gauge({ name, help, registers: [this.registry] });
      this.fieldMetrics.set(field, m);
    }
    if (m instanceof Counter) {
      m.reset();
      if (value > 0) m.inc(value);
    } else {
      m.set(value);
    }
  }
}
