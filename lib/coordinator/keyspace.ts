/**
 * The coordinator as the RESP layer sees it: quorum reads and writes of versioned records. A
 * single node implements it over its own replica (local-keyspace.ts); the cluster coordinator
 * implements it with fan-out to the preference list.
 */
import type { NewVersion, VersionVector, VRecord } from '../versioning/types';

export interface QuorumOverride {
  readonly r?: number;
  readonly w?: number;
}

export interface ScanPage {
  /** the next slot to scan; 0 when the whole keyspace was covered */
  readonly next: number;
  readonly keys: Buffer[];
  /** of these keys, those whose value has an expiry, and the sum of their remaining ms (INFO keyspace) */
  readonly expires?: number;
  readonly ttlMs?: number;
}

export interface Keyspace {
  /** N, R, W in force (R and W after a per-connection override) */
  quorum(q?: QuorumOverride): { n: number; r: number; w: number };
  /** the record as R replicas know it, merged (empty record when missing) */
  read(key: Buffer, q?: QuorumOverride): Promise<VRecord>;
  /**
   * Write a new version. ctx null: the versions the coordinator's own replica holds are the ones
   * replaced (plain SET/DEL). Resolves with the coordinator's resulting record once W replicas
   * acknowledged.
   */
  write(key: Buffer, ctx: VersionVector | null, v: NewVersion, q?: QuorumOverride): Promise<VRecord>;
  /** this node's own replica of the key, no quorum (DEBUG REPLICA) */
  localRecord(key: Buffer): Promise<VRecord>;
  /**
   * Keys whose record is visible at `now` (not deleted, not expired), scanning whole slots from
   * `cursor` until at least `count` keys were found or the keyspace ends. Each key once.
   */
  scan(cursor: number, count: number, now: number): Promise<ScanPage>;
  /**
   * Runs a request on the key's first healthy replica when that is another node: resolves with
   * its answer (a COORDINATE_COMMAND response body), or null when this node is that replica (or
   * the only node) and must run it itself. Absent on a single node.
   */
  atPrimary?(key: Buffer, msg: object): Promise<Buffer | null>;
}
