/**
 * The directive table: the one place that says, for every directive, its name (a contract),
 * the Config field it fills, how its arguments parse, its default, its cross-field rule, and how
 * CONFIG GET prints it. parse-config.ts and config-get.ts only walk this table.
 */
import { isIPv4, isIPv6, isWildcard, parseBindAddress, parseSeed, renderSeed } from './addresses';
import { directive, type Directive } from './directive';
import type { LogLevel } from './types';
import {
  integer, listOf, memory, oneOf, optionalText, positiveNumber, scalar, yesNo,
} from './value-types';

const KB = 1024;
const MB = 1024 * KB;
/** the longest setTimeout/setInterval Node honours */
const MAX_TIMER_MS = 2 ** 31 - 1;

const LOG_LEVELS: readonly LogLevel[] =
  ['debug', 'verbose', 'notice', 'warning', 'info', 'warn', 'error'];

const printable = (s: string): boolean => /^[\x21-\x7e]+$/.test(s);
const anyText = (): boolean => true;

const quorumCheck = (label: string, value: number, replicas: number): string | undefined =>
  value <= replicas ? undefined : `${label} must be between 1 and replicas (${replicas})`;

export const DIRECTIVES: readonly Directive[] = [
  directive({ name: 'port', field: 'port', type: integer(1, 65535), default: { value: 6380 } }),
  directive({
    name: 'bind', field: 'bind',
    type: listOf('IPv4/IPv6 addresses or host names (0.0.0.0 for all)', parseBindAddress, String),
    default: { value: ['127.0.0.1'] },
  }),
  directive({
    name: 'cluster-port', field: 'clusterPort', type: integer(1, 65535),
    default: { derive: (c) => c.port + 10000 }, dependsOn: ['port'],
    check: (c) =>
      c.clusterPort > 65535 ? 'port + 10000 is over 65535: set cluster-port'
        : c.clusterPort === c.port ? 'cluster-port must differ from port' : undefined,
  }),
  // what peers and clients are told, when it is not what this node listens on (NAT, containers,
  // bind 0.0.0.0, a proxy in front of the cluster port): Redis Cluster's names
  directive({
    name: 'cluster-announce-ip', field: 'clusterAnnounceIp', default: { value: null },
    type: optionalText('an IPv4/IPv6 address or host name', (s) => parseBindAddress(s) !== undefined && !isWildcard(s)),
  }),
  directive({ name: 'cluster-announce-port', field: 'clusterAnnouncePort', type: integer(0, 65535), default: { value: 0 } }),
  directive({ name: 'cluster-announce-bus-port', field: 'clusterAnnounceBusPort', type: integer(0, 65535), default: { value: 0 } }),
  directive({
    name: 'bind-source-addr', field: 'bindSourceAddr', default: { value: null },
    type: optionalText('an IPv4/IPv6 address', (s) => (isIPv4(s) || isIPv6(s)) && !isWildcard(s)),
  }),
  directive({
    name: 'node-id', field: 'nodeId', default: { value: null },
    type: optionalText('letters, digits, . _ - (up to 128)',
      (s) => /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(s)),
  }),
  directive({ name: 'dir', field: 'dir', type: optionalText('a directory', anyText), default: { value: null } }),
  directive({
    name: 'seeds', field: 'seeds', type: listOf('host:cluster-port', parseSeed, renderSeed),
    default: { value: [] },
  }),
  directive({
    name: 'zone', field: 'zone', default: { value: 'default' },
    type: scalar('a name without spaces', (s) => (printable(s) ? s : undefined), String),
  }),
  directive({ name: 'weight', field: 'weight', type: positiveNumber(10000), default: { value: 1 } }),
  directive({ name: 'replicas', field: 'replicas', type: integer(1, 255), default: { value: 3 } }),
  directive({
    name: 'read-quorum', field: 'readQuorum', type: integer(1, 255),
    default: { derive: (c) => Math.min(2, c.replicas) }, dependsOn: ['replicas'],
    check: (c) => quorumCheck('read-quorum', c.readQuorum, c.replicas),
  }),
  directive({
    name: 'write-quorum', field: 'writeQuorum', type: integer(1, 255),
    default: { derive: (c) => Math.min(2, c.replicas) }, dependsOn: ['replicas'],
    check: (c) => quorumCheck('write-quorum', c.writeQuorum, c.replicas),
  }),
  directive({
    name: 'request-timeout', field: 'requestTimeout', type: integer(1, MAX_TIMER_MS),
    default: { value: 1000 },
  }),
  directive({ name: 'hinted-handoff', field: 'hintedHandoff', type: yesNo, default: { value: true } }),
  directive({
    name: 'anti-entropy-interval', field: 'antiEntropyInterval', type: integer(0, MAX_TIMER_MS),
    default: { value: 10000 },
  }),
  directive({
    name: 'tombstone-grace', field: 'tombstoneGrace', type: integer(0, 2 ** 31 - 1),
    default: { value: 3_600_000 },
  }),
  directive({
    name: 'fsync', field: 'fsync', type: oneOf(['always', 'coordinator', 'everysec', 'no'] as const),
    default: { value: 'everysec' },
  }),
  directive({ name: 'write-journal', field: 'writeJournal', type: yesNo, default: { value: true } }),
  directive({
    name: 'record-cache-size', field: 'recordCacheSize', type: memory(0, '0'),
    default: { value: 32 * MB },
  }),
  directive({
    name: 'latency-target-ms', field: 'latencyTargetMs', type: positiveNumber(MAX_TIMER_MS),
    default: { value: 20 },
  }),
  directive({ name: 'background-controller', field: 'backgroundController', type: yesNo, default: { value: true } }),
  directive({
    name: 'cluster-secret', field: 'clusterSecret', default: { value: null },
    type: optionalText('a secret', anyText, true),
  }),
  directive({
    name: 'requirepass', field: 'requirepass', default: { value: null },
    type: optionalText('a password', anyText),
  }),
  directive({ name: 'loglevel', field: 'loglevel', type: oneOf(LOG_LEVELS), default: { value: 'notice' } }),
  directive({ name: 'logfile', field: 'logfile', type: scalar('a file name', (s) => s, String), default: { value: '' } }),
  directive({ name: 'maxclients', field: 'maxclients', type: integer(1), default: { value: 10000 } }),
  directive({
    // a write waiting for fsync holds its place: the syncing modes let more wait, so that one
    // fsync covers more writes
    name: 'max-running-commands', field: 'maxRunningCommands', type: integer(0, 2 ** 31 - 1),
    default: { derive: (c) => (c.fsync === 'always' || c.fsync === 'coordinator' ? 1024 : 128) },
    dependsOn: ['fsync'],
  }),
  directive({
    name: 'metrics-port', field: 'metricsPort', type: integer(0, 65535), default: { value: 0 },
    dependsOn: ['port', 'cluster-port'],
    check: (c) =>
      c.metricsPort !== 0 && (c.metricsPort === c.port || c.metricsPort === c.clusterPort)
        ? 'metrics-port must differ from port and cluster-port' : undefined,
  }),
  directive({ name: 'timeout', field: 'timeout', type: integer(0, 2 ** 31 - 1), default: { value: 0 } }),
  directive({
    name: 'proto-max-bulk-len', field: 'protoMaxBulkLen', type: memory(MB, '1mb'),
    default: { value: 512 * MB },
  }),
  directive({
    name: 'client-query-buffer-limit', field: 'clientQueryBufferLimit', type: memory(MB, '1mb'),
    default: { value: 1024 * MB },
  }),
  directive({
    name: 'proto-max-multibulk-len', field: 'protoMaxMultibulkLen', type: integer(1, 2 ** 31 - 1),
    default: { value: 1024 * 1024 },
  }),
  directive({
    name: 'proto-inline-max-size', field: 'protoInlineMaxSize', type: memory(KB, '1kb'),
    default: { value: 64 * KB },
  }),
  directive({ name: 'max-siblings', field: 'maxSiblings', type: integer(1), default: { value: 100 } }),
  directive({
    name: 'max-hints-per-target', field: 'maxHintsPerTarget', type: integer(1),
    default: { derive: (c) => Math.min(100000, c.maxHints) }, dependsOn: ['max-hints'],
    check: (c) =>
      c.maxHintsPerTarget <= c.maxHints ? undefined : `must not exceed max-hints (${c.maxHints})`,
  }),
  directive({ name: 'max-hints', field: 'maxHints', type: integer(1), default: { value: 1000000 } }),
  directive({
    name: 'vnodes-per-weight', field: 'vnodesPerWeight', type: integer(1, 4096),
    default: { value: 64 },
  }),
];

export const DIRECTIVES_BY_NAME: ReadonlyMap<string, Directive> =
  new Map(DIRECTIVES.map((d) => [d.name, d]));
